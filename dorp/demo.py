"""The demo programme: ten real Gelderland villages, spread over the four steps, each with a
history (votes, consent, mBc, steering group, meetings, line scores, safeguarding, budget)
and a few pilots that trip alerts. All people and notes are fictional. Deterministic for a
given `today` (seeded random)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from dorp import burgerkracht as bk
from dorp.method import LINES

PROGRAMME_NAME = "Dorp als Verzorgingshuis Gelderland (demo)"

# village, municipality, CBS code of the municipality, population, lat, lon
VILLAGES = [
    ("Vorden", "Bronckhorst", "GM1876", 8700, 52.105, 6.312),
    ("Hengelo (Gld)", "Bronckhorst", "GM1876", 9000, 52.050, 6.308),
    ("Zelhem", "Bronckhorst", "GM1876", 6800, 52.007, 6.347),
    ("Laren", "Lochem", "GM0262", 3300, 52.195, 6.365),
    ("Winssen", "Beuningen", "GM0209", 3000, 51.870, 5.696),
    ("Ewijk", "Beuningen", "GM0209", 3500, 51.875, 5.741),
    ("Heteren", "Overbetuwe", "GM1734", 5600, 51.957, 5.757),
    ("Doornspijk", "Elburg", "GM0230", 2700, 52.419, 5.817),
    ("Kootwijkerbroek", "Barneveld", "GM0203", 6600, 52.150, 5.666),
    ("Gendringen", "Oude IJsselstreek", "GM1509", 4500, 51.873, 6.376),
    ("Dinxperlo", "Aalten", "GM0197", 7600, 51.862, 6.490),
    ("Beesd", "West Betuwe", "GM1960", 3600, 51.888, 5.193),
    ("Wekerom", "Ede", "GM0228", 2600, 52.109, 5.702),
    ("Lunteren", "Ede", "GM0228", 14000, 52.084, 5.620),
]


@dataclass
class Plan:
    """The story of one demo pilot."""

    village: str
    months: int             # months since the start meeting
    step: int
    status: str = "active"
    willingness: int = 4
    ability: int = 3
    consent: tuple[str, ...] = ("municipality", "community")
    presented: tuple[str, ...] = ("village", "municipality")
    members: tuple[str, ...] = ("municipality", "community", "support", "care")
    satisfaction: list[tuple[int, int]] = field(default_factory=list)  # last meetings
    trend: dict[str, int] = field(default_factory=dict)  # line -> end score
    drop: dict[str, tuple[int, int]] = field(default_factory=dict)  # line -> (before, last)
    exit_plan: bool = False
    modes: tuple[str, ...] = ()
    quiet_days: int = 10    # days since the last recorded thing
    rivals: tuple[str, ...] = ()
    override: bool = False
    may: bool = True        # "mag dit?" at the latest assessment (chapter 4.1)


PLANS = [
    Plan("Vorden", 22, 4, willingness=4, ability=4, modes=("facilitate",), exit_plan=True,
         satisfaction=[(4, 4), (4, 5)], trend={ln: 4 for ln in LINES}, rivals=("Hengelo (Gld)", "Zelhem")),
    Plan("Winssen", 26, 4, status="completed", willingness=5, ability=4, modes=("facilitate",),
         exit_plan=True, satisfaction=[(4, 4), (5, 4)], quiet_days=40,
         trend={"broad_support": 4, "target_group": 4, "village_strength": 5,
                "informal_formal": 4, "safeguarding": 4}, rivals=("Ewijk",)),
    Plan("Laren", 18, 4, willingness=3, ability=2, modes=("support",),
         satisfaction=[(4, 3), (3, 3)],
         trend={"target_group": 3, "village_strength": 3, "informal_formal": 3, "safeguarding": 2},
         drop={"broad_support": (4, 2)}),
    Plan("Heteren", 14, 4, willingness=2, ability=4, modes=("motivate", "support"),
         satisfaction=[(4, 3), (4, 2)], trend={ln: 3 for ln in LINES}),
    Plan("Doornspijk", 9, 3, willingness=4, ability=3, satisfaction=[(3, 4), (4, 4)]),
    Plan("Kootwijkerbroek", 8, 3, willingness=3, ability=4, members=("community", "support"),
         satisfaction=[(3, 3)]),
    # Willing, but the plan as it stands only serves the members of one club: not desirable
    # ("initiatieven die andere (groepen) burgers (on)bewust buitensluiten", 4.1).
    Plan("Gendringen", 5, 2, willingness=4, ability=2, presented=("village",), may=False),
    Plan("Dinxperlo", 6, 2, willingness=2, ability=2),
    Plan("Wekerom", 3, 2, willingness=3, ability=3, consent=("municipality",), presented=(),
         rivals=("Lunteren",)),
    Plan("Beesd", 5, 1, consent=("municipality",), quiet_days=130),
]

FIRST = ["Anneke", "Henk", "Marieke", "Gerrit", "Ilse", "Jan", "Truus", "Wim", "Sandra",
         "Bert", "Fenna", "Joost", "Hanneke", "Dirk", "Ria", "Kees", "Lotte", "Evert"]
LAST = ["de Vries", "Jansen", "Bosman", "Wolters", "Kamphuis", "Hendriks", "Nijhof",
        "ter Horst", "Arendsen", "Willemsen", "van Dijk", "Gerritsen", "Roelofs", "Harmsen"]
ROLE = {"municipality": ("wethouder zorg", "Gemeente"), "community": ("voorzitter dorpsraad", "Dorpsraad"),
        "support": ("adviseur", "Spectrum"), "care": ("wijkverpleegkundige", "Thuiszorg")}
OPPORTUNITIES = ["Actief dorpshuis met vrijwilligers", "Sterke verenigingen",
                 "Huisarts denkt mee", "Woningcorporatie wil seniorenwoningen bouwen"]
RESISTANCES = ["Vrijwilligers zijn overbelast", "Wantrouwen richting gemeente",
               "Weinig jongeren in het dorp"]
INITIATIVES = [("Samen eten in het dorpshuis", "exploitation"), ("Vervoer op maat", "idea"),
               ("Dorpsondersteuner", "conservation"), ("Klussendienst", "reorganisation"),
               ("Koffieochtend", "decay")]


MAY_NOT = ("Het plan richt zich nu alleen op leden van de eigen vereniging; andere bewoners "
           "vallen erbuiten. Zo is het niet wenselijk.")


def _month(d: date, n: int) -> date:
    """The same day n months later (clamped to the 28th to stay valid)."""
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


def build(today: date, seed: int = 2026) -> dict[str, pd.DataFrame]:
    """The demo programme as exchange tables (see dorp.sheets)."""
    rnd = random.Random(seed)
    t: dict[str, list[dict]] = {name: [] for name in (
        "programme", "villages", "pilots", "votes", "start_meetings", "consent", "mbc",
        "mbc_effects", "partners", "steering_members", "steering_meetings", "actions",
        "line_scores", "working_modes", "initiatives", "initiative_phases", "safeguarding",
        "budget", "step_moves", "plan_steps", "plan_milestones", "plan_spend",
        "plan_line_targets")}
    start = _month(today, -30)
    t["programme"].append({"name": PROGRAMME_NAME, "funder": "Provincie Gelderland",
                           "start_date": start, "end_date": _month(today, 18), "is_demo": True})
    for name, mun, cbs, pop, lat, lon in VILLAGES:
        t["villages"].append({"village": name, "municipality": mun, "cbs_code": cbs,
                              "population": pop, "lat": lat, "lon": lon})
    t["budget"] += [   # the allocations; spending per half-year comes with the plan
        {"village": None, "category": "Programmaleiding en coaching", "source": "province",
         "period": start, "budgeted": 180000.0, "spent": 0.0},
        {"village": None, "category": "Kennisdeling en evaluatie", "source": "province",
         "period": start, "budgeted": 40000.0, "spent": 0.0},
    ]
    people = iter(f"{f} {l}" for f in FIRST for l in LAST[::-1])
    quiet_end = {}
    for p in PLANS:
        mun = next(v[1] for v in VILLAGES if v[0] == p.village)
        end = today - timedelta(days=p.quiet_days)   # last recorded activity
        s = min(_month(today, -p.months), end)
        quiet_end[p.village] = end
        started = s
        t["pilots"].append({
            "village": p.village, "step": p.step, "status": p.status, "started_on": started,
            "progress_text": f"{p.village} zit in stap {p.step}. " + (
                "De werkgroepen draaien zelfstandig." if p.step == 4 else "De voorbereiding loopt."),
            "lessons": "Vroeg investeren in de relatie met de dorpsraad loont." if p.step >= 3 else None,
        })
        # Step 1: start meeting, pitches, vote.
        seats = 1
        t["start_meetings"].append({"meeting_date": s, "municipality": mun,
                                    "residents_present": rnd.randint(25, 70), "seats": seats,
                                    "note": "Goede opkomst; veel energie in de zaal."})
        t["votes"].append({"meeting_date": s, "municipality": mun, "village": p.village,
                           "votes": rnd.randint(25, 40), "chosen": True,
                           "pitch_note": f"{p.village} wil ouderen langer thuis laten wonen."})
        for r in p.rivals:
            t["votes"].append({"meeting_date": s, "municipality": mun, "village": r,
                               "votes": rnd.randint(8, 22), "chosen": False,
                               "pitch_note": f"{r} ziet kansen in het dorpshuis."})
        moves = [(None, 1, None, "active", s, "Gekozen bij de startbijeenkomst")]
        for i, party in enumerate(p.consent):
            t["consent"].append({"village": p.village, "party": party,
                                 "given_on": s + timedelta(days=10 + 7 * i),
                                 "given_by": "College van B&W" if party == "municipality" else "Dorpsraad"})
        if p.step >= 2:
            moves.append((1, 2, "active", "active", min(_month(s, 1), end),
                          "Beide partijen willen" if len(p.consent) == 2 else "Gestart in afwachting van de dorpsraad"))
            a_on = min(_month(s, 2), end) if p.step >= 3 else end - timedelta(days=20)
            trail = [(max(1, p.willingness - 1), p.ability)] if p.step >= 3 else []
            for k, (w, a) in enumerate(trail + [(p.willingness, p.ability)]):
                on = a_on - timedelta(days=30 * (len(trail) - k))
                last = k == len(trail)
                t["mbc"].append({
                    "village": p.village, "assessed_on": on, "willingness": w, "ability": a,
                    "source": "residents", "willingness_source": "residents",
                    "ability_source": "professionals",
                    "willingness_evidence": "Keukentafelgesprekken met bewoners",
                    "ability_evidence": "Inschatting van het wijkteam",
                    "opportunities": "\n".join(rnd.sample(OPPORTUNITIES, 2)),
                    "resistances": "\n".join(rnd.sample(RESISTANCES, 2)),
                    "presented_village_on": on + timedelta(days=14) if last and "village" in p.presented else None,
                    "presented_municipality_on": on + timedelta(days=21) if last and "municipality" in p.presented else None,
                    "may_ok": p.may if last else True,
                    "may_note": ("Past binnen de wet, niet voor eigen gewin, voor alle bewoners."
                                 if p.may or not last else MAY_NOT),
                })
            t["mbc_effects"].append({"village": p.village, "assessed_on": a_on,
                                     "stakeholder": "Gemeente", "investment_kind": "money",
                                     "amount": 15000.0, "expected_effect": "Minder inzet van formele zorg",
                                     "beneficiary": "Gemeente"})
            for ptype, formal in (("dorpshuis", False), ("huisarts", True), ("thuiszorg", True),
                                  ("verenigingen", False)):
                t["partners"].append({"village": p.village, "partner_type": ptype,
                                      "name": f"{ptype.capitalize()} {p.village}", "formal": formal})
        if p.step >= 3:
            moves.append((2, 3, "active", "active", min(_month(s, 3), end), "mBc is go en gepresenteerd"))
            for party in p.members:
                role, org = ROLE[party]
                nm = next(people)
                t["steering_members"].append({
                    "village": p.village, "name": nm, "organisation": f"{org} {mun if party == 'municipality' else p.village}",
                    "party": party, "role": role,
                    "email": nm.lower().replace(" ", ".") + "@example.nl",
                    "from_date": _month(s, 3)})
            first_meeting = _month(s, 4)
            n = max(len(p.satisfaction), (end - first_meeting).days // 61 + 1)
            sats = [(rnd.choice([3, 4]), rnd.choice([3, 4]))] * (n - len(p.satisfaction)) + p.satisfaction
            for k, (ms, cs) in enumerate(sats):
                held = end - timedelta(days=61 * (n - 1 - k))
                t["steering_meetings"].append({
                    "village": p.village, "date": held, "municipality_satisfaction": ms,
                    "community_satisfaction": cs, "decisions": "Werkgroepen gaan door; budget vrijgegeven.",
                    "notes": "Besproken: voortgang werkgroepen en zorgen over vrijwilligers."})
                if k == len(sats) - 1:
                    t["actions"].append({"village": p.village, "meeting_date": held,
                                         "description": "Uitnodiging bewonersavond versturen",
                                         "who": "Dorpsraad", "due_on": held + timedelta(days=30), "done": False})
                    t["actions"].append({"village": p.village, "meeting_date": held,
                                         "description": "Verslag delen met de gemeente",
                                         "who": "Spectrum", "due_on": held + timedelta(days=14), "done": True})
        if p.step >= 4:
            s4 = min(_month(s, 6), end)
            moves.append((3, 4, "active", "active", s4, "Stuurgroep compleet en tevreden"))
            for mode in p.modes:
                t["working_modes"].append({"village": p.village, "mode": mode, "started_on": s4,
                                           "reason": "Past bij bereidheid en bekwaamheid uit de mBc"})
            months = max(1, (end.year - s4.year) * 12 + end.month - s4.month)
            for ln in LINES:
                goal = p.trend.get(ln, 3)
                scores = [max(1, min(5, round(2 + (goal - 2) * (k + 1) / months + rnd.choice([-0.4, 0, 0.4]))))
                          for k in range(months)]
                if ln in p.drop:
                    scores[-2:] = list(p.drop[ln])
                for k, sc in enumerate(scores):
                    on = end - timedelta(days=30 * (months - 1 - k))
                    t["line_scores"].append({"village": p.village, "line": ln, "date": on, "score": sc,
                                             "note": "Maandelijkse meting", "source": "professionals"})
            for name, phase in rnd.sample(INITIATIVES, 3):
                # Every initiative starts as an idea; the others moved on later (2.4: the
                # phases are kept with their dates, "niet-lineair").
                moved = min(s4 + timedelta(days=75), end) if phase != "idea" else s4
                t["initiatives"].append({"village": p.village, "name": name, "phase": phase,
                                         "description": f"{name} in {p.village}", "since": moved})
                t["initiative_phases"].append({"village": p.village, "initiative": name,
                                               "from_phase": None, "to_phase": "idea",
                                               "changed_on": s4, "changed_by": "Ilse Kamphuis"})
                if phase != "idea":
                    t["initiative_phases"].append({
                        "village": p.village, "initiative": name, "from_phase": "idea",
                        "to_phase": phase, "changed_on": moved, "changed_by": "Ilse Kamphuis"})
            if p.exit_plan:
                t["safeguarding"].append({"village": p.village, "exit_date": _month(today, 3 if p.status == "active" else -1),
                                          "successor": f"Stichting Zorg {p.village}",
                                          "handed_over": "Coördinatie vrijwilligers, contacten met zorgpartijen",
                                          "notes": "Overdracht besproken in de stuurgroep."})
            if p.status == "completed":
                moves.append((4, 4, "active", "completed", end, "Borging geregeld; Spectrum trekt zich terug"))
        for frm, to, fst, tst, on, why in moves:
            t["step_moves"].append({"village": p.village, "from_step": frm, "to_step": to,
                                    "from_status": fst, "to_status": tst, "moved_on": on,
                                    "moved_by": "Ilse Kamphuis", "reason": why, "override": False})
        reached = {}
        for _frm, to, _fst, tst, on, _why in moves:
            key = "completed" if tst == "completed" else str(to)
            reached.setdefault(key, on)
        for src, amount in (("province", 30000.0), ("municipality", 20000.0), ("other", 5000.0)):
            # The allocation at the start; the spending per half-year (below, with the plan).
            t["budget"].append({"village": p.village, "category": "Uitvoering pilot", "source": src,
                                "period": started, "budgeted": amount, "spent": 0.0})
            pace = rnd.uniform(0.7, 1.0)   # how close to the plan this pilot spends
            _pilot_spending(t, p, started, src, amount, pace, quiet_end[p.village], today)
        _pilot_plan(t, p, reached, today)
    _programme_plan(t, start, _month(today, 18), today)
    _burgerkracht(t, today)
    return {name: pd.DataFrame(rows) for name, rows in t.items() if rows}


# --- the programme plan (issue 18): some pilots on time, some behind ---------------------------
# Days from today to the planned date of each pilot's next stage (negative: already past), and
# how many days after (+) or before (-) its plan it reached each stage it did reach.
PLAN_NEXT = {"Vorden": 90, "Laren": -45, "Heteren": 300, "Doornspijk": -10,
             "Kootwijkerbroek": -60, "Gendringen": 30, "Dinxperlo": -35, "Wekerom": 75,
             "Beesd": -90}
PLAN_SLIP = {"Vorden": {"3": 7, "4": -14}, "Winssen": {"2": 10, "completed": 20},
             "Laren": {"3": 21, "4": 30}, "Heteren": {"2": -5}, "Doornspijk": {"3": 12},
             "Kootwijkerbroek": {"2": 14, "3": 30}, "Dinxperlo": {"2": 20},
             "Wekerom": {"2": -76}}
PLAN_EXPLANATION = {
    "Laren": "De afronding schuift op: het draagvlak in het dorp zakte dit najaar terug. De "
             "stuurgroep houdt eerst een extra bewonersavond voordat de borging wordt geregeld.",
    "Kootwijkerbroek": "De gemeente heeft nog geen vaste vertegenwoordiger in de stuurgroep; "
                       "de uitvoering start zodra die er is.",
    "Dinxperlo": "De mBc liet weinig bereidheid en bekwaamheid zien. Dorp en gemeente bespreken "
                 "of de pilot doorgaat; daarom is stap 3 nog niet begonnen.",
    "Wekerom": "Gemeente en dorp waren het snel eens, dus de mBc kon eerder beginnen dan "
               "gepland.",
    "Winssen": "Winssen is afgerond; de overdracht aan de stichting kostte drie weken extra.",
}
PROGRAMME_EXPLANATION = (
    "Zes van de tien pilots liggen op of voor schema. Vier lopen meer dan een maand achter, "
    "steeds bij de overgang naar de volgende stap: waar de gemeente of het dorp nog niet "
    "klaar is, wachten we liever dan dat we doorduwen. De besteding loopt daardoor iets "
    "achter op het plan.")
# Months between planned stages after the last reached one.
_STAGE_MONTHS = {"2": 1, "3": 2, "4": 3, "completed": 18}
_STAGES = ("1", "2", "3", "4", "completed")


def _half(d: date) -> date:
    return date(d.year, 1 if d.month <= 6 else 7, 1)


def _halves(first: date, n: int) -> list[date]:
    out, h = [], _half(first)
    for _ in range(n):
        out.append(h)
        h = _month(h, 6)
    return out


def _months_done(quarter: date, today: date) -> int:
    """Months of the quarter starting on `quarter` that have begun by today (at most 3)."""
    return max(0, min(3, (today.year - quarter.year) * 12 + today.month - quarter.month + 1))


def _pilot_spending(t: dict, p: Plan, started: date, src: str, amount: float, pace: float,
                    last: date, today: date) -> None:
    """The plan for one source (the allocation over four half-years) and what was spent in
    each half-year up to today (less for pilots behind their plan)."""
    behind = PLAN_NEXT.get(p.village, 0) < -30
    for h in _halves(started, 4):
        planned = amount / 4
        t["plan_spend"].append({"village": p.village, "period": h, "source": src,
                                "planned": planned})
        for q in (h, _month(h, 3)):   # spending is booked per quarter
            if q > today or (p.status == "completed" and q > last):
                continue
            factor = pace * (0.75 if behind else 1.0) * _months_done(q, today) / 3
            t["budget"].append({"village": p.village, "category": "Uitvoering pilot",
                                "source": src, "period": q, "budgeted": 0.0,
                                "spent": round(planned / 2 * factor, 2)})


def _pilot_plan(t: dict, p: Plan, reached: dict, today: date) -> None:
    """Planned dates: each reached stage shifted by its slip; the next one PLAN_NEXT days from
    today; the later ones at the method's usual pace."""
    slip = PLAN_SLIP.get(p.village, {})
    planned: dict[str, date] = {}
    for stage in _STAGES:
        if stage in reached:
            planned[stage] = reached[stage] - timedelta(days=slip.get(stage, 0))
        elif p.status != "completed":
            before = planned[_STAGES[_STAGES.index(stage) - 1]]
            if not any(s not in reached for s in _STAGES[:_STAGES.index(stage)]):
                planned[stage] = today + timedelta(days=PLAN_NEXT[p.village])
            else:
                planned[stage] = _month(before, _STAGE_MONTHS[stage])
    t["plan_steps"].append({"village": p.village,
                            **{("completed_on" if s == "completed" else f"step_{s}_on"): d
                               for s, d in planned.items()},
                            "explanation": PLAN_EXPLANATION.get(p.village)})
    s1 = reached["1"]
    t["plan_milestones"].append({"village": p.village, "milestone": "Eerste bewonersavond",
                                 "planned_on": s1 + timedelta(days=30),
                                 "reached_on": s1 + timedelta(days=30 + slip.get("2", 0) // 2)})
    if p.village == "Vorden":
        t["plan_milestones"] += [
            {"village": p.village, "milestone": "Werkgroep vervoer gestart",
             "planned_on": reached["4"] + timedelta(days=60),
             "reached_on": reached["4"] + timedelta(days=50)},
            {"village": p.village, "milestone": "Overdracht aan Stichting Zorg Vorden",
             "planned_on": today + timedelta(days=80), "reached_on": None}]
    if p.village == "Laren":
        t["plan_milestones"].append({"village": p.village,
                                     "milestone": "Extra bewonersavond over draagvlak",
                                     "planned_on": today - timedelta(days=20), "reached_on": None})
    if p.village == "Kootwijkerbroek":
        t["plan_milestones"].append({"village": p.village,
                                     "milestone": "Vaste vertegenwoordiger gemeente in de stuurgroep",
                                     "planned_on": today - timedelta(days=75), "reached_on": None})


def _programme_plan(t: dict, start: date, end: date, today: date) -> None:
    """The programme's own plan: its explanation, two milestones, the programme lines'
    planned spending per half-year (and what was spent), and targets for two lines."""
    t["plan_steps"].append({"village": None, "explanation": PROGRAMME_EXPLANATION})
    t["plan_milestones"] += [
        {"village": None, "milestone": "Tussenevaluatie met de provincie",
         "planned_on": _month(start, 12), "reached_on": _month(start, 12) + timedelta(days=9)},
        {"village": None, "milestone": "Eindevaluatie en slotbijeenkomst",
         "planned_on": end - timedelta(days=30), "reached_on": None}]
    halves = [h for h in _halves(start, 12) if h <= end]
    for category, amount, spent_share in (("Programmaleiding en coaching", 180000.0, 0.95),
                                          ("Kennisdeling en evaluatie", 40000.0, 0.6)):
        for i, h in enumerate(halves):
            planned = round(amount / len(halves), 2)
            if i == len(halves) - 1:   # the last half-year takes the rounding
                planned = round(amount - planned * (len(halves) - 1), 2)
            t["plan_spend"].append({"village": None, "period": h, "source": "province",
                                    "planned": planned})
            for q in (h, _month(h, 3)):
                if q <= today:
                    t["budget"].append({"village": None, "category": category,
                                        "source": "province", "period": q, "budgeted": 0.0,
                                        "spent": round(planned / 2 * spent_share
                                                       * _months_done(q, today) / 3, 2)})
    # plan_spend rows are per (village, period, source): the two programme lines add up.
    merged: dict[tuple, float] = {}
    for r in t["plan_spend"]:
        key = (r["village"], r["period"], r["source"])
        merged[key] = round(merged.get(key, 0.0) + r["planned"], 2)
    t["plan_spend"] = [{"village": v, "period": h, "source": s, "planned": a}
                       for (v, h, s), a in merged.items()]
    t["plan_line_targets"] += [
        {"village": None, "line": "broad_support", "score": 3, "by_month": 12},
        {"village": None, "line": "safeguarding", "score": 3, "by_month": 18},
        {"village": "Laren", "line": "broad_support", "score": 4, "by_month": 12}]


# --- the Burgerkrachtgenerator (ch. 4) in four villages at different stages -------------------
# Vorden ran all five steps (working groups in parallel and in series, one done); Heteren has
# working groups of which one has gone quiet; Laren is in the middle of its group
# conversations; Kootwijkerbroek is forming a lead group of professionals only (the warning);
# the others do not use it. Dates are days before `today`. Nobody named here is real.

BKG_RESIDENTS = ["Bep Hoogland", "Gijs Lammers", "Mien Bruggink", "Teun Overbeek",
                 "Riek Stegeman", "Harm Pelgrim", "Door Leusink", "Wout Hengeveld",
                 "Aaltje Rouwenhorst", "Frits Weenk"]
BKG_PROS = {"adviser": "Ilse Kamphuis", "welfare": "Yvonne Kuipers",
            "civil_servant": "Ruud Eijkelkamp"}

# village -> (lead group: (resident names, professional roles, days before today),
#             conversations: [(days before, participants, summary)],
#             themes: [(theme, days before, conversation numbers)],
#             meeting: (days before, attendees, recognised, additions, {theme: volunteers}),
#             groups: [(name, theme, started, plan presented, w, a, status,
#                       [(mode, from, until)], [(kind, days before, note)])])
BKG_PLANS = {
    "Vorden": (
        (BKG_RESIDENTS[0:4], ("adviser", "welfare"), 470),
        [(440, 6, "Ouderen willen elkaar vaker treffen, het liefst rond een maaltijd."),
         (433, 5, "Zonder auto kom je lastig bij de huisarts; buren rijden nu af en toe mee."),
         (426, 7, "Kleine klussen blijven liggen; er zijn handige gepensioneerden die willen helpen."),
         (419, 4, "Samen eten in het dorpshuis zou veel betekenen; een paar mensen willen koken."),
         (412, 6, "Vervoer en informatie over zorg hangen samen: niemand weet wie wat regelt."),
         (405, 5, "Behoefte aan een vast aanspreekpunt en hulp bij tuin en huis.")],
        [("Samen eten en ontmoeten", 380, (1, 2, 4)),
         ("Vervoer naar huisarts en winkels", 380, (2, 3, 5)),
         ("Klussen in en om het huis", 380, (3, 6)),
         ("Weten waar je terechtkunt voor zorg", 380, (1, 5, 6))],
        (350, 64, True, "Ook aandacht voor mantelzorgers die er alleen voor staan.",
         {"Samen eten en ontmoeten": 11, "Vervoer naar huisarts en winkels": 8,
          "Klussen in en om het huis": 6, "Weten waar je terechtkunt voor zorg": 3}),
        [("Werkgroep Samen aan tafel", "Samen eten en ontmoeten", 330, 270, 4, 4, "active",
          [("facilitate", 330, None)],
          [("call", 300, "Loopt goed; eerste maaltijd gepland."),
           ("return_meeting", 270, "Plan van aanpak gepresenteerd aan de andere werkgroepen."),
           ("call", 150, "Vaste kookploeg van zes vrijwilligers."),
           ("return_meeting", 35, "Terugkombijeenkomst: 30 gasten per maaltijd.")]),
         ("Werkgroep Dorpsvervoer", "Vervoer naar huisarts en winkels", 330, 270, 4, 3, "active",
          [("support", 330, 200), ("facilitate", 200, None)],
          [("call", 300, "Zoekt hulp bij verzekering van vrijwillige chauffeurs."),
           ("return_meeting", 270, "Plan van aanpak gepresenteerd."),
           ("support", 205, "Cursus en contact met de vervoerscentrale geregeld."),
           ("call", 60, "Rijdt nu zelfstandig met acht chauffeurs."),
           ("call", 20, "Vraagt of er budget is voor een tweede auto.")]),
         ("Werkgroep Klusjesdienst", "Klussen in en om het huis", 320, 260, 3, 4, "done",
          [("motivate", 320, 250), ("facilitate", 250, 120)],
          [("return_meeting", 260, "Plan van aanpak gepresenteerd."),
           ("call", 130, "Draait zelfstandig onder de dorpsraad; werkgroep heft zich op.")])]),
    "Heteren": (
        (BKG_RESIDENTS[4:7], ("adviser", "civil_servant"), 230),
        [(210, 5, "Veel ouderen zitten alleen thuis, zeker in de winter."),
         (205, 7, "Het dorpshuis voelt als een plek van het bestuur, niet van de bewoners."),
         (199, 4, "Jonge gezinnen willen wel helpen, maar weten niet waar."),
         (190, 6, "Oversteken bij de school is gevaarlijk; ook voor ouderen met een rollator.")],
        [("Eenzaamheid onder ouderen", 175, (1, 3)),
         ("Het dorpshuis weer van iedereen", 175, (2, 3)),
         ("Veilig oversteken bij de school", 175, (4,))],
        (160, 41, True, "Graag ook activiteiten voor jongeren in het dorpshuis.",
         {"Eenzaamheid onder ouderen": 9, "Het dorpshuis weer van iedereen": 12,
          "Veilig oversteken bij de school": 4}),
        [("Werkgroep Ontmoeting", "Eenzaamheid onder ouderen", 140, 95, 3, 3, "active",
          [("motivate", 140, 90), ("facilitate", 90, None)],
          [("call", 120, "Start met een koffieochtend."),
           ("return_meeting", 95, "Plan van aanpak gepresenteerd."),
           ("call", 25, "Koffieochtend elke week, 15 bezoekers.")]),
         ("Werkgroep Dorpshuis", "Het dorpshuis weer van iedereen", 140, None, 2, 4, "active",
          [("motivate", 140, None)],
          [("call", 120, "Eerste bijeenkomst met het bestuur gepland."),
           ("return_meeting", 77, "Nog geen plan van aanpak; de groep zoekt een trekker.")])]),
    "Laren": (
        (BKG_RESIDENTS[7:10], ("adviser",), 60),
        [(30, 5, "Bewoners missen de bus naar Lochem sinds die minder vaak rijdt."),
         (16, 6, "Er is veel onderlinge hulp, maar die blijft onzichtbaar.")],
        [], None, []),
    "Kootwijkerbroek": (([], ("adviser", "welfare"), 20), [], [], None, []),
}


def _burgerkracht(t: dict[str, list[dict]], today: date) -> None:
    def day(n):
        return None if n is None else today - timedelta(days=n)

    for name in ("bkg_lead_group", "bkg_conversations", "bkg_themes", "bkg_village_meetings",
                 "bkg_subgroups", "working_groups", "working_group_modes",
                 "working_group_contacts"):
        t.setdefault(name, [])
    for village, (lead, conversations, themes, meeting, groups) in BKG_PLANS.items():
        residents, roles, joined = lead
        for person in residents:
            t["bkg_lead_group"].append({"village": village, "name": person, "role": "resident",
                                        "joined_on": day(joined)})
        for role in roles:
            t["bkg_lead_group"].append({"village": village, "name": BKG_PROS[role], "role": role,
                                        "joined_on": day(joined)})
        for n, (ago, participants, summary) in enumerate(conversations, start=1):
            t["bkg_conversations"].append({
                "village": village, "date": day(ago), "participants": participants,
                "summary": summary, "number": n, "question": bk.CENTRAL_QUESTION,
                "led_by": residents[(n - 1) % len(residents)]})
        for theme, ago, numbers in themes:
            t["bkg_themes"].append({"village": village, "theme": theme, "found_on": day(ago),
                                    "conversations": ", ".join(str(n) for n in numbers)})
        if meeting:
            ago, attendees, recognised, additions, volunteers = meeting
            t["bkg_village_meetings"].append({
                "village": village, "date": day(ago), "attendees": attendees,
                "themes_recognised": recognised, "additions": additions})
            for theme, n in volunteers.items():
                t["bkg_subgroups"].append({"village": village, "meeting_date": day(ago),
                                           "theme": theme, "volunteers": n})
        for gname, theme, start, plan, w, a, status, modes, contacts in groups:
            t["working_groups"].append({
                "village": village, "theme": theme, "name": gname, "started_on": day(start),
                "willingness": w, "ability": a, "plan_presented_on": day(plan),
                "status": status})
            for mode, since, until in modes:
                t["working_group_modes"].append({
                    "village": village, "working_group": gname, "mode": mode,
                    "started_on": day(since), "ended_on": day(until),
                    "reason": "Past bij de bereidheid en bekwaamheid van de groep"})
            for kind, ago, note in contacts:
                t["working_group_contacts"].append({"village": village, "working_group": gname,
                                                    "date": day(ago), "kind": kind, "note": note})


# Accounts created with the demo programme (README and `make run` print these).
DEMO_ACCOUNTS = (
    ("leider", "demo-leider", "lead", ()),
    ("stuurgroep-vorden", "demo-vorden", "steering", ("Vorden",)),
    ("provincie", "demo-provincie", "funder", ()),
)
