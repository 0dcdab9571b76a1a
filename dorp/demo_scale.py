"""A large programme for benchmarks: `dorp demo --scale N`.

N villages spread over real municipalities (Gelderland first; from 400 villages on also
municipalities elsewhere in the Netherlands), each with ten years of history: monthly scores
on the five lines, a steering meeting every two months, a yearly mBc assessment and yearly
budget lines. Village names are real place names, numbered when a place is used more than
once ("Vorden", "Vorden 2", ...). All people and notes are fictional.

Deterministic for a given (N, today, seed): numpy's seeded generator, no wall clock.
The tables are exchange tables (dorp.sheets), loaded by dorp.repo.bulk like the demo.
Built column-wise with numpy: 1000 villages (600,000 line scores) take a few seconds.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dorp.method import LINES

# Bump when the generated data changes: benchmark databases are cached under this version.
GENERATOR_VERSION = 2
YEARS = 10
MONTHS = 12 * YEARS
GELDERLAND_ONLY_UP_TO = 400   # villages; beyond this, other provinces join

# municipality, CBS code, lat, lon of its main place, places (kernen) in it.
GELDERLAND = [
    ("Aalten", "GM0197", 51.925, 6.581, ["Aalten", "Dinxperlo", "Bredevoort", "IJzerlo"]),
    ("Apeldoorn", "GM0200", 52.211, 5.969, ["Beekbergen", "Loenen", "Hoenderloo", "Uddel", "Klarenbeek"]),
    ("Arnhem", "GM0202", 51.985, 5.899, ["Elden", "Schaarsbergen"]),
    ("Barneveld", "GM0203", 52.140, 5.585, ["Kootwijkerbroek", "Voorthuizen", "Garderen", "Zwartebroek"]),
    ("Beuningen", "GM0209", 51.861, 5.767, ["Winssen", "Ewijk", "Weurt"]),
    ("Berg en Dal", "GM1945", 51.824, 5.918, ["Groesbeek", "Millingen aan de Rijn", "Ooij", "Leuth"]),
    ("Berkelland", "GM1859", 52.113, 6.520, ["Borculo", "Eibergen", "Neede", "Ruurlo", "Beltrum"]),
    ("Bronckhorst", "GM1876", 52.050, 6.308, ["Vorden", "Hengelo (Gld)", "Zelhem", "Steenderen", "Keijenborg"]),
    ("Brummen", "GM0213", 52.090, 6.155, ["Eerbeek", "Hall", "Leuvenheim"]),
    ("Buren", "GM0214", 51.912, 5.335, ["Maurik", "Lienden", "Zoelen", "Beusichem"]),
    ("Culemborg", "GM0216", 51.955, 5.227, ["Parijsch"]),
    ("Doesburg", "GM0221", 52.013, 6.139, ["Beinum"]),
    ("Doetinchem", "GM0222", 51.965, 6.289, ["Gaanderen", "Wehl", "Nieuw-Wehl"]),
    ("Druten", "GM0225", 51.889, 5.604, ["Afferden", "Deest", "Puiflijk"]),
    ("Duiven", "GM0226", 51.947, 6.021, ["Groessen", "Loo"]),
    ("Ede", "GM0228", 52.040, 5.665, ["Lunteren", "Wekerom", "Bennekom", "Otterlo", "Harskamp"]),
    ("Elburg", "GM0230", 52.447, 5.834, ["Doornspijk", "'t Harde"]),
    ("Epe", "GM0232", 52.348, 5.984, ["Vaassen", "Oene", "Emst"]),
    ("Ermelo", "GM0233", 52.299, 5.622, ["Horst", "Speulde"]),
    ("Harderwijk", "GM0243", 52.342, 5.620, ["Hierden"]),
    ("Hattem", "GM0244", 52.475, 6.061, ["Hattem"]),
    ("Heerde", "GM0246", 52.387, 6.041, ["Wapenveld", "Veessen"]),
    ("Heumen", "GM0252", 51.766, 5.829, ["Malden", "Overasselt", "Nederasselt"]),
    ("Lingewaard", "GM1705", 51.895, 5.923, ["Bemmel", "Gendt", "Doornenburg", "Haalderen"]),
    ("Lochem", "GM0262", 52.160, 6.414, ["Laren", "Gorssel", "Barchem", "Harfsen"]),
    ("Maasdriel", "GM0263", 51.768, 5.331, ["Kerkdriel", "Hedel", "Ammerzoden", "Hurwenen"]),
    ("Montferland", "GM1955", 51.923, 6.173, ["Didam", "'s-Heerenberg", "Zeddam", "Braamt"]),
    ("Neder-Betuwe", "GM1740", 51.924, 5.584, ["Opheusden", "Kesteren", "Dodewaard", "IJzendoorn"]),
    ("Nijkerk", "GM0267", 52.220, 5.487, ["Hoevelaken", "Nijkerkerveen"]),
    ("Nijmegen", "GM0268", 51.842, 5.853, ["Lent", "Oosterhout (Gld)"]),
    ("Nunspeet", "GM0302", 52.375, 5.786, ["Elspeet", "Hulshorst", "Vierhouten"]),
    ("Oldebroek", "GM0269", 52.445, 5.900, ["Wezep", "Hattemerbroek", "Oosterwolde (Gld)"]),
    ("Oost Gelre", "GM1586", 52.017, 6.587, ["Groenlo", "Lichtenvoorde", "Harreveld", "Zieuwent"]),
    ("Oude IJsselstreek", "GM1509", 51.896, 6.378, ["Gendringen", "Ulft", "Terborg", "Varsseveld", "Silvolde"]),
    ("Overbetuwe", "GM1734", 51.937, 5.782, ["Heteren", "Elst", "Driel", "Zetten", "Andelst"]),
    ("Putten", "GM0273", 52.259, 5.607, ["Putten"]),
    ("Renkum", "GM0274", 51.975, 5.751, ["Oosterbeek", "Doorwerth", "Heelsum", "Wolfheze"]),
    ("Rheden", "GM0275", 52.010, 6.030, ["Velp", "Dieren", "De Steeg", "Spankeren"]),
    ("Rozendaal", "GM0277", 52.005, 5.963, ["Rozendaal"]),
    ("Scherpenzeel", "GM0279", 52.078, 5.488, ["Scherpenzeel"]),
    ("Tiel", "GM0281", 51.886, 5.430, ["Wadenoijen", "Kapel-Avezaath"]),
    ("Voorst", "GM0285", 52.170, 6.095, ["Twello", "Terwolde", "Wilp", "Klarenbeek"]),
    ("Wageningen", "GM0289", 51.965, 5.665, ["Wageningen-Hoog"]),
    ("West Betuwe", "GM1960", 51.888, 5.193, ["Beesd", "Geldermalsen", "Leerdam", "Asperen", "Heukelum"]),
    ("West Maas en Waal", "GM0668", 51.858, 5.490, ["Beneden-Leeuwen", "Wamel", "Dreumel", "Alphen"]),
    ("Westervoort", "GM0293", 51.956, 5.970, ["Westervoort"]),
    ("Wijchen", "GM0296", 51.809, 5.725, ["Batenburg", "Bergharen", "Balgoij", "Hernen"]),
    ("Winterswijk", "GM0294", 51.972, 6.720, ["Meddo", "Kotten", "Huppel"]),
    ("Zaltbommel", "GM0297", 51.810, 5.246, ["Brakel", "Aalst", "Nederhemert"]),
    ("Zevenaar", "GM0299", 51.925, 6.078, ["Babberich", "Lobith", "Pannerden", "Angerlo"]),
    ("Zutphen", "GM0301", 52.139, 6.196, ["Warnsveld"]),
]

# Elsewhere in the Netherlands (joins for large N).
ELSEWHERE = [
    ("Dinkelland", "GM1774", 52.375, 6.970, ["Denekamp", "Ootmarsum", "Weerselo"]),
    ("Hof van Twente", "GM1735", 52.237, 6.600, ["Goor", "Delden", "Markelo", "Diepenheim"]),
    ("Raalte", "GM0177", 52.387, 6.275, ["Heino", "Broekland", "Heeten"]),
    ("Staphorst", "GM0180", 52.645, 6.211, ["Rouveen", "IJhorst"]),
    ("Westerveld", "GM1701", 52.840, 6.310, ["Dwingeloo", "Diever", "Havelte", "Vledder"]),
    ("Midden-Drenthe", "GM1731", 52.860, 6.530, ["Beilen", "Westerbork", "Smilde"]),
    ("Aa en Hunze", "GM1680", 53.000, 6.750, ["Gieten", "Annen", "Rolde", "Gasselte"]),
    ("Westerkwartier", "GM1969", 53.200, 6.400, ["Zuidhorn", "Grootegast", "Marum", "Leek"]),
    ("Het Hogeland", "GM1966", 53.380, 6.600, ["Winsum", "Warffum", "Uithuizen", "Bedum"]),
    ("Súdwest-Fryslân", "GM1900", 53.030, 5.660, ["Workum", "Makkum", "Bolsward", "Koudum"]),
    ("Noardeast-Fryslân", "GM1970", 53.330, 6.000, ["Dokkum", "Kollum", "Ternaard"]),
    ("Noordoostpolder", "GM0171", 52.710, 5.750, ["Marknesse", "Ens", "Bant", "Luttelgeest"]),
    ("Utrechtse Heuvelrug", "GM0339", 52.040, 5.400, ["Doorn", "Leersum", "Amerongen", "Maarn"]),
    ("Lopik", "GM0331", 51.970, 4.950, ["Benschop", "Polsbroek", "Cabauw"]),
    ("Altena", "GM1959", 51.770, 4.960, ["Woudrichem", "Werkendam", "Almkerk"]),
    ("Land van Cuijk", "GM1982", 51.660, 5.950, ["Boxmeer", "Grave", "Sint Anthonis", "Mill"]),
    ("Meierijstad", "GM1948", 51.600, 5.500, ["Schijndel", "Erp", "Boerdonk", "Sint-Oedenrode"]),
    ("Peel en Maas", "GM1894", 51.360, 5.980, ["Panningen", "Baarlo", "Kessel", "Helden"]),
    ("Gulpen-Wittem", "GM1729", 50.810, 5.890, ["Gulpen", "Mechelen", "Epen", "Wijlre"]),
    ("Sluis", "GM1714", 51.310, 3.500, ["Oostburg", "Aardenburg", "Cadzand"]),
    ("Schouwen-Duiveland", "GM1676", 51.690, 3.900, ["Zierikzee", "Brouwershaven", "Renesse"]),
    ("Hoeksche Waard", "GM1963", 51.760, 4.440, ["Oud-Beijerland", "Strijen", "'s-Gravendeel"]),
    ("Krimpenerwaard", "GM1931", 51.950, 4.780, ["Schoonhoven", "Lekkerkerk", "Bergambacht"]),
    ("Hollands Kroon", "GM1911", 52.870, 4.970, ["Anna Paulowna", "Wieringerwerf", "Middenmeer"]),
]

FIRST = ["Anneke", "Henk", "Marieke", "Gerrit", "Ilse", "Jan", "Truus", "Wim", "Sandra",
         "Bert", "Fenna", "Joost", "Hanneke", "Dirk", "Ria", "Kees", "Lotte", "Evert"]
LAST = ["de Vries", "Jansen", "Bosman", "Wolters", "Kamphuis", "Hendriks", "Nijhof",
        "ter Horst", "Arendsen", "Willemsen", "van Dijk", "Gerritsen", "Roelofs", "Harmsen"]
MEMBERS = [("municipality", "wethouder zorg", "Gemeente"),
           ("community", "voorzitter dorpsraad", "Dorpsraad"),
           ("support", "adviseur", "Spectrum"), ("care", "wijkverpleegkundige", "Thuiszorg")]
INITIATIVES = [("Samen eten in het dorpshuis", "exploitation"), ("Vervoer op maat", "idea"),
               ("Dorpsondersteuner", "conservation"), ("Klussendienst", "reorganisation"),
               ("Koffieochtend", "decay")]
# (step, status, share of pilots)
STAGES = [(1, "active", 0.03), (2, "active", 0.06), (3, "active", 0.08), (4, "active", 0.60),
          (4, "paused", 0.05), (4, "stopped", 0.03), (4, "completed", 0.15)]


def villages(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n villages over real municipalities: Gelderland first, the rest of the country for
    large n; a place used again gets a number ("Vorden 2")."""
    munis = GELDERLAND if n <= GELDERLAND_ONLY_UP_TO else GELDERLAND + ELSEWHERE
    # Round-robin: the first place of every municipality, then the second of each, ...
    pool = [(m[4][k], m) for k in range(max(len(m[4]) for m in munis)) for m in munis
            if k < len(m[4])]
    rows, seen = [], {}
    for j in range(n):
        place, (mun, cbs, lat, lon, _) = pool[j % len(pool)]
        k = seen[place] = seen.get(place, 0) + 1
        rows.append({"village": place if k == 1 else f"{place} {k}", "municipality": mun,
                     "cbs_code": cbs})
    df = pd.DataFrame(rows)
    centre = {m[0]: (m[2], m[3]) for m in munis}
    df["population"] = rng.integers(600, 12000, n)
    df["lat"] = [round(centre[m][0] + d, 4) for m, d in zip(df.municipality, rng.uniform(-0.06, 0.06, n))]
    df["lon"] = [round(centre[m][1] + d, 4) for m, d in zip(df.municipality, rng.uniform(-0.08, 0.08, n))]
    return df


def _months_back(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    return date(y, m + 1, min(d.day, 28))


def build(n: int, today: date, seed: int = 2026) -> dict[str, pd.DataFrame]:
    """The scale programme as exchange tables (see dorp.sheets)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    t: dict[str, pd.DataFrame] = {}
    v = villages(n, rng)
    t["villages"] = v
    names = v.village.to_numpy()
    start = _months_back(today, MONTHS + 6)
    t["programme"] = pd.DataFrame([{
        "name": f"Dorp als Verzorgingshuis - schaalproef ({n} dorpen)",
        "funder": "Provincie Gelderland", "start_date": start,
        "end_date": date(today.year + 2, 12, 31), "is_demo": True}])

    # Each pilot's stage and how quiet it has been (a fifth is quiet long enough to alert).
    shares = np.array([s[2] for s in STAGES])
    stage = rng.choice(len(STAGES), size=n, p=shares / shares.sum())
    steps = np.array([STAGES[i][0] for i in stage])
    statuses = np.array([STAGES[i][1] for i in stage], dtype=object)
    quiet_months = np.where(rng.random(n) < 0.2, rng.integers(4, 9, n), 0)
    dom = rng.integers(1, 29, n)                       # day of month of each village's rhythm
    dom = np.where(quiet_months == 0, np.minimum(dom, today.day), dom)
    this_month = np.datetime64(today, "M")
    end_month = this_month - quiet_months.astype("timedelta64[M]")      # last month with news
    first_month = end_month - np.timedelta64(MONTHS - 1, "M")
    started = (first_month - np.timedelta64(6, "M")).astype("datetime64[D]") + (dom - 1)

    def day_of(months: np.ndarray, vidx: np.ndarray) -> np.ndarray:
        return months.astype("datetime64[D]") + (dom[vidx] - 1).astype("timedelta64[D]")

    def dates(a: np.ndarray) -> list[date]:
        return a.astype("datetime64[D]").astype(object).tolist()

    t["pilots"] = pd.DataFrame({
        "village": names, "step": steps, "status": statuses, "started_on": dates(started),
        "progress_text": [f"{nm} zit in stap {s}." for nm, s in zip(names, steps)],
        "lessons": "Vroeg investeren in de relatie met de dorpsraad loont.",
    })

    # Step 1: the vote at a start meeting in the municipality (one meeting per date).
    t["votes"] = pd.DataFrame({
        "meeting_date": dates(started), "municipality": v.municipality, "village": names,
        "votes": rng.integers(20, 60, n), "chosen": True,
        "pitch_note": [f"{nm} wil ouderen langer thuis laten wonen." for nm in names]})
    cons_v = np.repeat(np.arange(n), 2)
    cons_party = np.tile(["municipality", "community"], n)
    keep = ~((steps[cons_v] <= 2) & (cons_party == "community") & (rng.random(2 * n) < 0.3))
    t["consent"] = pd.DataFrame({
        "village": names[cons_v], "party": cons_party,
        "given_on": dates(started[cons_v] + np.where(cons_party == "community", 17, 10)),
        "given_by": np.where(cons_party == "community", "Dorpsraad", "College van B&W")})[keep]

    # Step 2: a yearly mBc assessment from month 2 on (pilots past step 1).
    has2 = np.flatnonzero(steps >= 2)
    mb_v = np.repeat(has2, YEARS)
    mb_k = np.tile(np.arange(YEARS), len(has2))
    mb_on = day_of(first_month[mb_v] - np.timedelta64(4, "M") + (12 * mb_k).astype("timedelta64[M]"), mb_v)
    will = np.clip(rng.integers(2, 6, len(mb_v)), 1, 5)
    abil = np.clip(rng.integers(2, 6, len(mb_v)), 1, 5)
    t["mbc"] = pd.DataFrame({
        "village": names[mb_v], "assessed_on": dates(mb_on), "willingness": will,
        "ability": abil, "source": "residents", "willingness_source": "residents",
        "ability_source": "professionals",
        "willingness_evidence": "Keukentafelgesprekken met bewoners",
        "ability_evidence": "Inschatting van het wijkteam",
        "opportunities": "Actief dorpshuis met vrijwilligers\nSterke verenigingen",
        "resistances": "Vrijwilligers zijn overbelast",
        "presented_village_on": dates(mb_on + 14), "presented_municipality_on": dates(mb_on + 21),
        "may_ok": True})
    last_mbc = mb_k == YEARS - 1
    t["mbc_effects"] = pd.DataFrame({
        "village": names[mb_v[last_mbc]], "assessed_on": dates(mb_on[last_mbc]),
        "stakeholder": "Gemeente", "investment_kind": "money", "amount": 15000.0,
        "expected_effect": "Minder inzet van formele zorg", "beneficiary": "Gemeente"})
    pt = [("dorpshuis", False), ("huisarts", True), ("thuiszorg", True), ("verenigingen", False)]
    pa_v = np.repeat(has2, len(pt))
    t["partners"] = pd.DataFrame({
        "village": names[pa_v], "partner_type": [pt[i % 4][0] for i in range(len(pa_v))],
        "name": [f"{pt[i % 4][0].capitalize()} {names[x]}" for i, x in enumerate(pa_v)],
        "formal": [pt[i % 4][1] for i in range(len(pa_v))]})

    # Step 3: steering group, and a meeting every two months until the last news.
    has3 = np.flatnonzero(steps >= 3)
    sm_v = np.repeat(has3, len(MEMBERS))
    people = [f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i) % len(LAST)]}"
              for i in range(len(sm_v))]
    t["steering_members"] = pd.DataFrame({
        "village": names[sm_v], "name": people,
        "organisation": [f"{MEMBERS[i % 4][2]} {names[x]}" for i, x in enumerate(sm_v)],
        "party": [MEMBERS[i % 4][0] for i in range(len(sm_v))],
        "role": [MEMBERS[i % 4][1] for i in range(len(sm_v))],
        "email": [p.lower().replace(" ", ".") + f".{i}@example.nl" for i, p in enumerate(people)],
        "from_date": dates(day_of(first_month[sm_v] - np.timedelta64(3, "M"), sm_v))})
    n_meet = MONTHS // 2
    me_v = np.repeat(has3, n_meet)
    me_k = np.tile(np.arange(n_meet), len(has3))
    me_on = day_of(end_month[me_v] - (2 * (n_meet - 1 - me_k)).astype("timedelta64[M]"), me_v)
    sat = rng.choice([2, 3, 3, 4, 4, 4, 5], size=(2, len(me_v)))
    t["steering_meetings"] = pd.DataFrame({
        "village": names[me_v], "date": dates(me_on), "municipality_satisfaction": sat[0],
        "community_satisfaction": sat[1],
        "decisions": "Werkgroepen gaan door; budget vrijgegeven.",
        "notes": "Besproken: voortgang werkgroepen en zorgen over vrijwilligers."})
    every3 = me_k % 3 == 2
    t["actions"] = pd.DataFrame({
        "village": names[me_v[every3]], "meeting_date": dates(me_on[every3]),
        "description": "Verslag delen met de gemeente", "who": "Spectrum",
        "due_on": dates(me_on[every3] + 14), "done": me_k[every3] < n_meet - 3})

    # Step 4 and the lines: a score per line every month for ten years (every pilot, so
    # that each village carries the full history the benchmark is about).
    ls_v = np.repeat(np.arange(n), len(LINES) * MONTHS)
    ls_l = np.tile(np.repeat(np.arange(len(LINES)), MONTHS), n)
    ls_k = np.tile(np.arange(MONTHS), n * len(LINES))
    goal = rng.choice([2, 3, 4, 4, 5], size=n * len(LINES))
    noise = rng.choice([-1, 0, 0, 0, 1], size=len(ls_v)) * 0.6
    score = np.clip(np.rint(2 + (np.repeat(goal, MONTHS) - 2) * (ls_k + 1) / MONTHS + noise), 1, 5)
    ls_on = day_of(end_month[ls_v] - (MONTHS - 1 - ls_k).astype("timedelta64[M]"), ls_v)
    t["line_scores"] = pd.DataFrame({
        "village": names[ls_v], "line": np.array(LINES, dtype=object)[ls_l],
        "date": ls_on.astype("datetime64[s]"), "score": score.astype(np.int64),
        "note": "Maandelijkse meting", "source": "professionals"})

    has4 = np.flatnonzero(steps == 4)
    s4 = day_of(first_month - np.timedelta64(1, "M"), np.arange(n))
    modes = np.array(["facilitate", "motivate", "support"], dtype=object)[rng.integers(0, 3, n)]
    t["working_modes"] = pd.DataFrame({
        "village": names[has4], "mode": modes[has4], "started_on": dates(s4[has4]),
        "reason": "Past bij bereidheid en bekwaamheid uit de mBc"})
    in_v = np.repeat(has4, 3)
    pick = rng.integers(0, len(INITIATIVES), len(in_v))
    # three different per village (a name once per village): consecutive from the first pick
    pick = (np.repeat(pick[::3], 3) + np.tile(np.arange(3), len(has4))) % len(INITIATIVES)
    t["initiatives"] = pd.DataFrame({
        "village": names[in_v], "name": [INITIATIVES[i][0] for i in pick],
        "phase": [INITIATIVES[i][1] for i in pick],
        "description": [f"{INITIATIVES[i][0]} in {names[x]}" for i, x in zip(pick, in_v)],
        "since": dates(s4[in_v])})
    plan = np.flatnonzero((steps == 4) & ((statuses == "completed") | (rng.random(n) < 0.5)))
    exit_on = np.where(statuses[plan] == "completed", end_month[plan], this_month + 6)
    t["safeguarding"] = pd.DataFrame({
        "village": names[plan], "exit_date": dates(day_of(exit_on, plan)),
        "successor": [f"Stichting Zorg {names[x]}" for x in plan],
        "handed_over": "Coördinatie vrijwilligers, contacten met zorgpartijen",
        "notes": "Overdracht besproken in de stuurgroep."})

    # The timeline of moves.
    mv = []
    for to, month_offset, why in ((1, -6, "Gekozen bij de startbijeenkomst"),
                                  (2, -5, "Beide partijen willen"),
                                  (3, -3, "mBc kansrijk en gepresenteerd"),
                                  (4, -1, "Stuurgroep compleet en tevreden")):
        idx = np.flatnonzero(steps >= to)
        mv.append(pd.DataFrame({
            "village": names[idx], "from_step": None if to == 1 else to - 1, "to_step": to,
            "from_status": None if to == 1 else "active", "to_status": "active",
            "moved_on": dates(day_of(first_month[idx] + np.timedelta64(month_offset, "M"), idx)),
            "moved_by": "Ilse Kamphuis", "reason": why, "override": False}))
    idx = np.flatnonzero(statuses != "active")
    mv.append(pd.DataFrame({
        "village": names[idx], "from_step": steps[idx], "to_step": steps[idx],
        "from_status": "active", "to_status": statuses[idx],
        "moved_on": dates(day_of(end_month[idx], idx)), "moved_by": "Ilse Kamphuis",
        "reason": "Besluit van de stuurgroep", "override": False}))
    t["step_moves"] = pd.concat(mv, ignore_index=True)

    # Budget: a line per source per year for every village, plus the programme's own lines.
    bu_v = np.repeat(np.arange(n), YEARS * 3)
    bu_y = np.tile(np.repeat(np.arange(YEARS), 3), n)
    bu_s = np.tile(np.array(["province", "municipality", "other"], dtype=object), n * YEARS)
    budgeted = np.tile([12000.0, 8000.0, 2000.0], n * YEARS)
    spent = np.round(budgeted * rng.uniform(0.6, 1.0, len(bu_v)), 2)
    spent = np.where(bu_y == YEARS - 1, np.round(spent * today.month / 12, 2), spent)
    periods = [date(today.year - YEARS + 1 + y, 1, 1) for y in range(YEARS)]
    village_budget = pd.DataFrame({
        "village": names[bu_v], "category": "Uitvoering pilot", "source": bu_s,
        "period": [periods[y] for y in bu_y], "budgeted": budgeted, "spent": spent})
    programme_budget = pd.DataFrame({
        "village": None, "category": "Programmaleiding en coaching", "source": "province",
        "period": periods, "budgeted": 18000.0 * max(1, n // 10),
        "spent": [round(18000.0 * max(1, n // 10) * (0.9 if y < YEARS - 1 else 0.5), 2)
                  for y in range(YEARS)]})
    t["budget"] = pd.concat([programme_budget, village_budget], ignore_index=True)
    return {name: df.reset_index(drop=True) for name, df in t.items() if not df.empty}
