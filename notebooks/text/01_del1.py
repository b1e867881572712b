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
# # Del 1: Planlægning af samskabelse
# I JupyterLab: vælg **Run → Run All Cells** (i Voilà-appen kører siden af sig selv).
# Læs først del 1 – og læg mærke til, hvem der taler, og hvem der bliver
# talt om.

# %%
from casekit import widgets

case, store = widgets.start()
widgets.progress(case, store, notebook="01_del1")

# %%
widgets.read(case, part=1)

# %% [markdown]
# Her er alle, der er med i casen – også dem, der kun bliver talt om. Hvor teksten ikke siger noget, står
# der "Ikke oplyst": casen gætter ikke.

# %% tags=["casekit-check-output"]
widgets.who_is_who_table(case)

# %% [markdown]
# Næste opgave er et interessentkort. Træk hver interessent fra bakken hen på kortet – højere op jo mere
# magt, længere til højre jo mere interesse – eller brug tastaturet (Tab, Enter, piletasterne og Enter).
# Hver placering gemmes med det samme. Under kortet ser du relationerne i casen: hvem der har sat
# projektet i gang, hvem der leder det, og hvem der ikke er med.

# %%
widgets.stakeholder_map(case, store)

# %% [markdown]
# Vil du vise holdet, hvor du placerede dig? Underviseren ser kun holdets samlede fordeling – ikke hvem
# der har svaret hvad.

# %%
widgets.share_control(case, store)

# %%
widgets.decision_point(case, store)

# %%
widgets.navigation(case, notebook="01_del1")
