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
# # Aflevering
# I JupyterLab: vælg **Run → Run All Cells** (i Voilà-appen kører siden af sig selv).
# Se, hvad du har svaret, og hent dine svar som fil:
# - **HTML** til aflevering og print (dine svar er også gemt som data i filen),
# - **JSON** til at fortsætte senere (upload den – eller HTML-filen – her igen, fx i en ny Binder-session),
# - **Markdown** som ren tekst.
#
# Hver fil laves i det øjeblik, du trykker på knappen, med dine svar fra alle notebooks, som de er gemt lige
# da. Under knappen står, hvad filen indeholder, og hvornår den blev lavet.

# %%
from casekit import widgets

case, store = widgets.start()
widgets.progress(case, store, notebook="06_aflevering")

# %%
widgets.handin(case, store)

# %% [markdown]
# Vil du vise holdet, hvor du placerede dig? Underviseren ser kun holdets samlede fordeling – ikke hvem
# der har svaret hvad.

# %%
widgets.share_control(case, store)

# %%
widgets.browser_copy(case, store)

# %%
widgets.navigation(case, notebook="06_aflevering")
