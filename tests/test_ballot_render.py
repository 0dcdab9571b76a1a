"""The ballot page's template on its own: every text escaped, no script, the language kept
through both forms, radio for one choice and checkboxes for several."""

from dorp import ballot_web


def test_text_is_escaped_and_there_is_no_script():
    html = ballot_web.render("nl", title="<img src=x onerror=alert(1)>",
                             options=[(1, "<b>Dorp</b>"), (2, "A & B")], choices=1,
                             code="ABCD-EFGH", csrf='"x"', legend="Kies")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Dorp&lt;/b&gt;" in html and "A &amp; B" in html
    assert "&#34;x&#34;" in html or "&quot;x&quot;" in html
    assert "<script" not in html
    assert html.count('type="radio"') == 2 and 'lang="nl"' in html


def test_several_choices_are_checkboxes_and_english_stays_english():
    html = ballot_web.render("en", title="Vote", options=[(1, "A"), (2, "B"), (3, "C")],
                             choices=2, code="ABCD-EFGH", csrf="t", legend="Choose")
    assert html.count('type="checkbox"') == 3
    assert 'action="/stem?lang=en"' in html and "Cast my vote" in html
    ask = ballot_web.render("en", title="Vote", ask_code=True)
    assert '<input type="hidden" name="lang" value="en">' in ask
    assert "lang" not in ballot_web.render("nl", title="Stem", ask_code=True).split("<form")[1] \
        .split(">")[0]
