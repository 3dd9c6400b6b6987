"""The rules of the service as pure Python: no Django, no I/O, each module citing its source."""
