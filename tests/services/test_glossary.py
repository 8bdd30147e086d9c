"""Abbreviations spelt out for the reader of the results and the report."""

from assessment.services.glossary import abbreviations_used


def test_the_abbreviations_a_text_uses_are_spelt_out_in_alphabetical_order():
    used = abbreviations_used(["Extend MFA to every internet-facing system and check the DSPT status."])
    assert used == [
        ("DSPT", "Data Security and Protection Toolkit, the NHS's annual data security self-assessment"),
        ("MFA", "multi-factor authentication: a second check, such as a code on a phone, as well as a password"),
    ]


def test_plurals_and_hyphenated_words_count_and_words_that_merely_contain_one_do_not():
    terms = [term for term, _ in abbreviations_used(["Publish APIs; appoint a WEEE-compliant partner; It is AIM."])]
    assert terms == ["API", "WEEE"]  # not IT (in "It") nor AI (in "AIM")
