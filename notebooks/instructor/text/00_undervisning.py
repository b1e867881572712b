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
# # Til underviseren: samskabelse på børne- og ungeområdet
# Denne notebook er din plan for en session på 90 minutter. I JupyterLab: vælg **Run → Run All Cells** (i Voilà kører siden af sig selv). Casen har intet
# facit – forfatterne skriver selv, at *"vi ikke har udarbejdet en facitliste, for en sådan findes ganske
# enkelt ikke"*. Det, du finder her, er linser og spørgsmål, ikke løsninger.

# %%
from casekit import teaching, widgets

case = teaching.load()

# %% [markdown]
# ## Læringsmål
# Efter sessionen kan de studerende
# - **identificere** aktørerne i casen – også dem, der kun bliver talt om (børn og unge, familier, frivillige,
#   politikere) – og begrunde, hvordan de placerer dem efter magt og interesse;
# - **vise med teksten**, hvor målene går fra hinanden, og skelne mellem det, teksten siger, og det, den ikke
#   oplyser;
# - **analysere** projektledernes valg mellem at styre processen og at starte fra deltagernes interesser, med
#   mindst én af de teoretiske rammer nedenfor;
# - **tage stilling** til de tre etiske dilemmaer og spørge, hvis stemme der mangler;
# - **formulere** et forslag til den videre proces med en deltagelsesplan for hver interessent – og kunne
#   sige, hvad forslaget vinder, og hvad det risikerer.

# %% [markdown]
# ## Sessionsplan (90 minutter)
# | tid | hvad | notebook · aktivitet · spørgsmål |
# |---|---|---|
# | 0–10 | Læsning af del 1 (alene). Bed dem lægge mærke til, hvem der taler, og hvem der bliver talt om. | `01_del1` · læs del 1 |
# | 10–25 | Interessentkortet i par: magt × interesse, også for dem, der ikke er ved bordet. | `01_del1` · interessentkort · spørgsmål `organisering-1` og `organisering-3` |
# | 25–35 | Beslutningspunktet: styre processen eller starte fra interesserne? Første afstemning i klassens visning (runde "før"). | `01_del1` · beslutningspunktet · `maalstyring-1` |
# | 35–45 | Læsning af del 2 (alene). | `02_del2` · læs del 2 |
# | 45–55 | Hvor går målene fra hinanden? Hver placerer personerne med citaterne som belæg. | `02_del2` · fælles mål eller forskellige mål · `maalstyring-2` og `maalstyring-4` |
# | 55–75 | Rollespil af den næste workshop med rollekortene (se nedenfor); den tomme stol står tom ved bordet. | rollekortene · `maalstyring-3` |
# | 75–85 | De etiske dilemmaer efter rollespillet; runde "efter" i klassens visning. | `03_etik` · dilemma 1–3 · `etik-1`, `etik-2`, `etik-3` |
# | 85–90 | Opsamling og hjemmeopgave: Kim og Sannes referat og forslag; aflevering. | `05_forslag` · `06_aflevering` · `organisering-2` |
#
# Er der mindre tid, så spring rollespillet over, og brug rollekortene som læsekort i 45–55.

# %% [markdown]
# ## Tavleplan
# - **Venstre tavle – kortet:** et stort magt × interesse-kort. De studerende sætter navnene op; dem, der ikke
#   er ved bordet (børn og unge, børnefamilier, frivillige, politikere), skrives med en anden farve. Lad
#   placeringerne stå hele sessionen.
# - **Midten – citaterne:** to kolonner, *"Ét fælles mål"* og *"Plads til forskellige mål"*. Her skrives kun
#   casens egne ord med afsnit (fx "Del 2 ¶2"), ikke de studerendes fortolkninger.
# - **Højre tavle – det, teksten ikke siger:** en liste over det, casen lader stå åbent (hvilken direktør der
#   leder hvilket område, hvem af Anne, Martin, Birgit og Karen der leder klubber, og hvem dagtilbud, om
#   musikklublederen er musikskolens repræsentant …). Brug den, når nogen gætter.
# - **Projektoren:** klassens visning (se nedenfor) med runderne "før" og "efter", og rollekortene under
#   rollespillet.

# %% [markdown]
# ## Diskussionstræk for hver aktivitet
# Spørgsmål og linser – ikke svar. Når klassen er enig for hurtigt, når én stemme fylder det hele, og når ingen
# taler for de børn, unge og familier, der ikke er med.
#
# **Interessentkortet (`01_del1`)**
# - *For hurtig enighed:* "Hvem har I placeret højest i magt – og hvor i teksten står det? Hvad ville ændre
#   sig, hvis I lod politikerne eller direktørerne flytte?"
# - *Én stemme dominerer:* "Læg jeres to kort ved siden af hinanden. Hvor er I længst fra hinanden, og hvad i
#   teksten læser I forskelligt?"
# - *Ingen taler for de fraværende:* "Hvor har I sat børnene og de unge? Har de magt over projektet – og hvem
#   har besluttet, at de ikke er med?"
#
# **Beslutningspunktet (`01_del1`)**
# - *For hurtig enighed:* "Hvad vinder Kim og Sanne ved at styre processen, og hvad risikerer de? Og omvendt?"
# - *Én stemme dominerer:* "Hvis du var en af dem, der har skrevet deres interesser i e-mailene, hvordan ville
#   du så opleve hver af de to veje?"
# - *Ingen taler for de fraværende:* "Hvis interesser ligger i bunken af papirer på bordet, og hvis gør ikke?"
#
# **Fælles mål eller forskellige mål? (`02_del2`)**
# - *For hurtig enighed:* "Placér Jorun og Majbritt. Hvad er det præcis i deres ord, der får jer til at sætte
#   dem dér? Kan citatet læses på en anden måde?"
# - *Én stemme dominerer:* "Hvem i casen siger mindst – og hvad ved vi egentlig om deres mål?"
# - *Ingen taler for de fraværende:* "Børn og unge er på bordet som billeder. Hvad betyder det for, hvem der
#   definerer 'værdi for børnene'?"
#
# **Rollespillet (rollekortene)**
# - *For hurtig enighed:* "Hvem ved bordet har mest at miste ved det mål, I lige er blevet enige om?"
# - *Én stemme dominerer:* "Giv ordet til den stol, der har sagt mindst. Hvad står der på jeres kort, som I ikke
#   har sagt endnu?"
# - *Ingen taler for de fraværende:* Peg på den tomme stol: "Hvad ville der stå i referatet, hvis den stol
#   skulle læse det?"
#
# **De etiske dilemmaer (`03_etik`)**
# - *For hurtig enighed:* "Flyt markøren helt over i den anden side. Hvilket argument fra casen kunne holde den
#   dér?"
# - *Én stemme dominerer:* "Hvem har magten i dette dilemma – og hvem bærer konsekvensen?"
# - *Ingen taler for de fraværende:* "Hvis stemme mangler i begrundelsen? Hvad skulle der til, for at de kunne
#   være med?"
#
# **Kim og Sannes forslag (`05_forslag`)**
# - *For hurtig enighed:* "Hvilket deltagelsesniveau har I givet hver interessent – og hvem har I lovet mest og
#   mindst?"
# - *Én stemme dominerer:* "Læs referatet højt, som Jorun, som Majbritt og som musikklublederen ville læse det."
# - *Ingen taler for de fraværende:* "Hvor i jeres plan kommer børn, unge og familier ind, og på hvilket niveau?"

# %% [markdown]
# ## Teorien, casen selv henviser til
# Alle henvisninger står i casens introduktion.

# %%
teaching.references_table(case)

# %% [markdown]
# ## Rammerne i aktiviteterne
# De rammer, aktiviteterne bygger på, og den linse hver af dem tilbyder. Kun én af dem (Bryson, Crosby & Stone
# 2015) citeres i casen selv; de andre er casekits valg.

# %%
teaching.frameworks_table(case)

# %% [markdown]
# ## Rollekortene
# Ét kort pr. stol ved bordet – skolelederstolen, dagtilbudsstolen, museumsstolen og de andre – og en tom stol
# for de børn, unge og familier, der ikke er med. Hvert kort viser, hvem der sidder i stolen, casens egne ord
# med afsnit, hvad teksten ikke oplyser, og de spørgsmål, spilleren tager med. Print på A4: to kort pr. side.
# Fra en terminal: `casekit rolecards -o rollekort.html`.

# %%
teaching.rolecards_link(case)

# %% [markdown]
# ## Klassens visning: runderne "før" og "efter"
# Når de studerende deler deres svar, samles de anonymt hos holdet: på en JupyterHub i casekits holdtjeneste
# (`CASEKIT_CLASS=hub`; kun kursets undervisere kan se holdets svar), ellers i den fælles mappe, som
# miljøvariablen `CASEKIT_CLASS` peger på (opskriften står i casekits dokumentation,
# docs/class-service.md i kildekoden). Visningen nedenfor viser
# spredningen i klassen – hvor placeringerne ligger, ikke hvem der har ret – og opdateres af sig selv hvert
# 5. sekund, mens den er på skærmen (eller med knappen).
# Brug runden **"før"**, inden I diskuterer en aktivitet, og runden **"efter"**, når I har diskuteret: forskellen
# mellem de to er et godt udgangspunkt for spørgsmålet "hvad fik jer til at flytte jer – eller blive?".
# Anonymt betyder uden navne, men visningen er direkte: ser man én studerende trykke "Del med holdet" og et nyt
# punkt dukke op lige efter, kan man kæde de to sammen. Lad derfor hele holdet dele på én gang, og vis
# visningen, når de fleste har delt.

# %% [markdown]
# Skal visningen op på lærredet? Slå projektionstilstand til: stor skrift og figurerne i hele skærmens bredde,
# én ad gangen.

# %%
widgets.projection(case)

# %%
widgets.class_view(case)

# %% [markdown]
# ## Efter sessionen
# Hent afleveringerne fra LMS'et som én zip-fil, og lav en rapport over klassens svar, som kan vises på
# projektoren næste gang:
#
# ```
# casekit class summarize <LMS-zip> -o rapport.html --projection
# ```
#
# Brug rapporten som afsæt for den næste samtale – den viser spredningen, ikke et facit.
