"""Pages: parse the request, check access, call one selector or service, render."""
