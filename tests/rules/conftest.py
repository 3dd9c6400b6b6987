from hypothesis import settings

# Property tests are deterministic: the same examples every run, on every machine.
settings.register_profile("iomhub", derandomize=True, max_examples=200, deadline=None)
settings.load_profile("iomhub")
