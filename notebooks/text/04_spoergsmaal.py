# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Refleksionsspørgsmålene
# I JupyterLab: vælg **Run → Run All Cells** (i Voilà-appen kører siden af sig selv).
# Her er casens ti spørgsmål i tre grupper: organiseringen af samskabelse,
# målstyring og etiske dilemmaer.

# %%
from casekit import widgets

case, store = widgets.start()
widgets.progress(case, store, notebook="04_spoergsmaal")

# %%
widgets.questions(case, store)

# %%
widgets.navigation(case, notebook="04_spoergsmaal")
