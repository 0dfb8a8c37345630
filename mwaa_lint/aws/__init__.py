"""How AWS resources relate: roles to policies, subnets to route tables, keys to objects.

These helpers follow references between resources for rules; they read the evaluated model
and never talk to AWS.
"""
