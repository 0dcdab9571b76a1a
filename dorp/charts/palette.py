"""One colour language for every chart (issue 17): a colour means the same thing wherever it
appears, and where colour carries meaning the chart has a legend (or the marks carry text).

Colours of the Okabe-Ito palette (safe for colour-blind readers) are given one meaning each:
- judgements: green is done / chosen / completed / the mode where both dimensions are present;
  orange asks attention (paused, tied, skipped, low); vermilion is stopped / discouraged;
  blue is what runs now (active, current step, in progress); grey is neutral or not chosen;
- scores 1-5 keep their own diverging scale (ColorBrewer PuOr, orange low, purple high,
  grey at 3 "present"), always with the score as text or in a legend;
- categories without a judgement (steps, parties, villages compared, funding sources) use
  blues, purple and black only, never green, orange or vermilion, so a step or a party never
  looks "good" or "bad".
"""

from __future__ import annotations

GOOD = "#009E73"        # bluish green
ATTENTION = "#E69F00"   # orange
BAD = "#D55E00"         # vermilion
CURRENT = "#0072B2"     # blue
NEUTRAL = "#BBBBBB"     # grey
TODO = "#E6E6E6"        # light grey: still to come
SKY = "#56B4E9"         # sky blue (a category)
PURPLE = "#CC79A7"      # reddish purple (a category)
INK = "#333333"

JUDGEMENTS = {GOOD, ATTENTION, BAD}

# Categories: ordered steps as a blue ramp (light = early, dark = late).
STEP = {1: "#8CC8EC", 2: SKY, 3: CURRENT, 4: "#004A75"}
PARTY = {"municipality": CURRENT, "community": PURPLE}
CATEGORIES = [CURRENT, PURPLE, SKY, "#000000", "#004A75", "#8CC8EC", "#7A4A6A", "#6E6E6E"]

# Judgements.
STATUS = {"active": CURRENT, "paused": ATTENTION, "stopped": BAD, "completed": GOOD}
STATE = {"done": GOOD, "skipped": ATTENTION, "now": CURRENT, "todo": TODO}
VOTE = {"chosen": GOOD, "tied": ATTENTION, "not_chosen": NEUTRAL}
# The working modes (ch. 4.2): the matrix's advice; facilitate = both dimensions present.
MODE = {"facilitate": GOOD, "motivate": ATTENTION, "support": SKY, "none": NEUTRAL,
        "do_nothing": NEUTRAL, "do_it_yourself": "#7F7F7F", "discourage": BAD}
# Funder stages: the steps (ramp), then completed and stopped as judged.
STAGE = {"1": STEP[1], "2": STEP[2], "3": STEP[3], "4": STEP[4], "completed": GOOD, "stopped": BAD}
SOURCE = {"province": CURRENT, "municipality": PURPLE, "other": SKY}
