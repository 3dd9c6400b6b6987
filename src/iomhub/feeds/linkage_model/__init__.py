"""Probabilistic record linkage with Splink 5 (issue 11 §3; ADR 0026): the model's comparisons
(``settings``), the synthetic people it is trained on offline (``synthetic``), its training
(``train``, ``python -m iomhub.feeds.linkage_model.train``) and its trained parameters
(``model.json``, committed: nothing is downloaded or trained at run time)."""
