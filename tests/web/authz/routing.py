"""Expectations for routing: teams, people away and the routing rules (managers), and
marking oneself away (any staff member)."""

from tests.web.authz.rules import ANY_STAFF, Rule

MANAGERS = {"admin", "manager"}


def _team(app):
    from helpdesk.accounts.models import Team
    from helpdesk.extensions import db

    team = db.session.query(Team).filter_by(key="matrix_team").one_or_none()
    if team is None:
        team = Team(key="matrix_team", name_ar="فريق المصفوفة", name_en="Matrix team")
        db.session.add(team)
        db.session.commit()
    return {"team_id": team.id}


def _person(app):
    from helpdesk.accounts.models import User
    from helpdesk.extensions import db

    return {"user_id": db.session.query(User).order_by(User.id).first().id}


def _rule(app):
    from helpdesk.extensions import db
    from helpdesk.routing.models import RoutingRule

    rule = db.session.query(RoutingRule).filter_by(name="قاعدة المصفوفة").one_or_none()
    if rule is None:
        rule = RoutingRule(name="قاعدة المصفوفة", position=1, conditions={"kinds": ["complaint"]},
                           tag="مصفوفة")
        db.session.add(rule)
        db.session.commit()
    return {"rule_id": rule.id}


EXPECTATIONS = {
    "routing.teams": Rule(MANAGERS),
    "routing.new_team": Rule(MANAGERS, methods=("GET", "POST"), ok={200, 422}),
    "routing.edit_team": Rule(MANAGERS, methods=("GET", "POST"), setup=_team, ok={200, 422}),
    "routing.person_away": Rule(MANAGERS, methods=("POST",), setup=_person, ok={302},
                                data={"away": "0"}),
    "routing.my_away": Rule(ANY_STAFF, methods=("POST",), ok={302}, data={"away": "0"}),
    "routing.rules": Rule(MANAGERS),
    "routing.new_rule": Rule(MANAGERS, methods=("GET", "POST"), ok={200, 422}),
    "routing.edit_rule": Rule(MANAGERS, methods=("GET", "POST"), setup=_rule, ok={200, 422}),
    "routing.try_rule": Rule(MANAGERS, methods=("POST",), data={"kinds": "complaint"}),
    "routing.move": Rule(MANAGERS, methods=("POST",), setup=_rule, ok={302},
                         data={"direction": "up"}),
    "routing.enabled": Rule(MANAGERS, methods=("POST",), setup=_rule, ok={302},
                            data={"enabled": "1"}),
    "routing.delete": Rule(MANAGERS, methods=("POST",), setup=_rule, ok={302}),
}
