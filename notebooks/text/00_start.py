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
# # Samskabelse – en interaktiv case
#
# Velkommen. I denne case følger du to ledelseskonsulenter, Kim og Sanne, der skal få skoler, dagtilbud,
# klubber og lokale foreninger til at skabe velfærd sammen. Du læser casen, kortlægger interessenterne,
# tager stilling til dilemmaerne og skriver dit eget forslag.
#
# **Sådan gør du:** I JupyterLab vælger du **Run → Run All Cells** i menuen øverst, hver gang du åbner en
# notebook. I Voilà-appen (casen som en side uden kode) er der ingen menu: siden kører af sig selv, når den
# åbner. Du skal ikke skrive kode – kun læse og svare i felterne under cellerne.
#
# **Der er ingen facitliste.** Casens forfattere skriver selv, at "en sådan findes ganske enkelt ikke".
# Det, der tæller, er at du begrunder dine svar med casen.
#
# ## Sådan gemmes dine svar
# Alt, hvad du skriver eller vælger, gemmes med det samme i den mappe, som linjen under den første
# kodecelle nedenfor nævner, når cellen har kørt ("Dine svar gemmes automatisk i …"). Ofte er det mappen
# `answers/` ved siden af disse notebooks, men på et JupyterHub kan den ligge et andet sted. Også hver
# tidligere version gemmes, så intet går tabt, selv hvis du lukker fanen eller genstarter.
#
# **På Binder** slettes alt, når sessionen lukker (efter ca. ti minutter uden aktivitet). Hent derfor dine
# svar som fil i `06_aflevering` undervejs. I en ny session kan du uploade filen igen og arbejde videre.
#
# **Én notebook ad gangen.** I JupyterLab har hver åben notebook sin egen kernel, og hver kernel bruger
# hukommelse: 60–150 MB, 700–800 MB for alle syv. På Binder er der ikke meget hukommelse at gøre godt
# med, så luk en notebooks fane, når du er færdig med den, og gå videre med linket nederst: så lukker dens
# kernel også. Dine svar er allerede gemt. I Voilà-appen lukker de sider, du har forladt, af sig selv efter
# et par minutter.
#
# ## Vejen gennem casen
# 1. `01_del1` – læs del 1, lav et interessentkort, og tag stilling ved beslutningspunktet
# 2. `02_del2` – læs del 2, og se hvor målene går fra hinanden
# 3. `03_etik` – de tre etiske dilemmaer
# 4. `04_spoergsmaal` – casens ti refleksionsspørgsmål
# 5. `05_forslag` – skriv Kim og Sannes referat og forslag
# 6. `06_aflevering` – se dine svar igennem, og hent dem som fil

# %% [markdown]
# **Sprog / Language** – vælg dansk eller engelsk; de andre notebooks følger dit valg.
# *Choose Danish or English; the English notebooks are in the folder* `en/`.

# %%
from casekit import widgets

widgets.language()

# %%
case, store = widgets.start()
widgets.progress(case, store, notebook="00_start")

# %%
widgets.journey(case, store)

# %% [markdown]
# ## Casen
# Her er hele casen. Du læser del 1 og del 2 igen i de næste notebooks, hvor du også arbejder med dem.

# %%
case

# %%
widgets.navigation(case, notebook="00_start")
