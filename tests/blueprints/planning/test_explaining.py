"""The engine's keys in the user's words: every candidate rule of the engine has them."""

from __future__ import annotations

from webapp.blueprints.planning import explaining
from webapp.blueprints.planning.plans import Names
from webapp.scheduling.rules import POST_RULES, TUTORING_RULES


def test_every_engine_rule_has_words_for_the_funnel_the_conflict_and_the_checker(app):
    names = Names({}, "en")
    for rule in (*TUTORING_RULES, *POST_RULES):
        assert rule.key in explaining.STAGES and rule.key in explaining.BLOCKING, rule.key
        assert explaining.rule(rule.key, {}, names) != f"rule {rule.key}", rule.key
        assert explaining.violation(rule.check_key, {}, names) != f"rule {rule.check_key}"
    # What a key without words reads as (so the checks above can fail):
    assert explaining.rule("no_such_rule", {}, names) == "rule no_such_rule"
    assert explaining.violation("no_such_rule", {}, names) == "rule no_such_rule"
