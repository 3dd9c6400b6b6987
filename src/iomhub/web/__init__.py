"""The GOV.UK / MoJ shell: base templates, form rendering, static assets, the home page."""
