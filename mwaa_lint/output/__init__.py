"""Report formats: one module per format, each with `render(result, color) -> str`."""

FORMATS = ("text", "concise", "json", "jsonl", "json-lines", "sarif", "github", "gitlab", "junit")
MODULE_OF = {"json-lines": "jsonl"}  # the same format under its longer name
FOR_PEOPLE = ("text", "concise")  # paths from where the command ran (see result.ReportRoots); the rest: from the repository
