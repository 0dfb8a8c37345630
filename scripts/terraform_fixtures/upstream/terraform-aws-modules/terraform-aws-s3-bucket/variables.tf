variable "create_bucket" {
  description = "Create the bucket"
  type        = bool
  default     = true
}

variable "bucket" {
  description = "Name of the bucket"
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Delete every object when the bucket is destroyed"
  type        = bool
  default     = false
}

variable "versioning" {
  description = "Versioning: { enabled = true } or { status = \"Suspended\" }"
  type        = map(string)
  default     = {}
}

variable "server_side_encryption_configuration" {
  description = "Default encryption: sse_algorithm, kms_master_key_id, bucket_key_enabled"
  type        = any
  default     = {}
}

variable "attach_public_policy" {
  description = "Manage the bucket's public access block"
  type        = bool
  default     = true
}

variable "block_public_acls" {
  description = "Block public ACLs"
  type        = bool
  default     = true
}

variable "block_public_policy" {
  description = "Block public bucket policies"
  type        = bool
  default     = true
}

variable "ignore_public_acls" {
  description = "Ignore public ACLs"
  type        = bool
  default     = true
}

variable "restrict_public_buckets" {
  description = "Restrict public bucket policies"
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags of the bucket"
  type        = map(string)
  default     = {}
}
