# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Samskabelse – en interaktiv case
#
# Velkommen. I denne case følger du to ledelseskonsulenter, Kim og Sanne, der skal få skoler, dagtilbud,
# klubber og lokale foreninger til at skabe velfærd sammen. Du læser casen, kortlægger interessenterne,
# tager stilling til dilemmaerne og skriver dit eget forslag.
#
# **Sådan gør du:** Vælg **Run → Run All Cells** i menuen. Du skal ikke skrive kode – kun læse og svare i
# felterne.
#
# **Der er ingen facitliste.** Casens forfattere skriver selv, at "en sådan findes ganske enkelt ikke".

# %% [markdown]
# ## Casen
# Her er hele casen. Du læser del 1 og del 2 igen i de næste notebooks, hvor du også arbejder med dem.

# %%
import casekit

case = casekit.load_case("samskabelse", lang="da")
case
