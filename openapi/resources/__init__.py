"""Every public resource, one blueprint each."""

from __future__ import annotations

from flask_smorest import Api


def register_resources(api: Api) -> None:
    from openapi.resources.at_risk.routes import bp as at_risk
    from openapi.resources.authorities.routes import bp as authorities
    from openapi.resources.catalog.routes import bp as catalog
    from openapi.resources.changes.routes import bp as changes
    from openapi.resources.charities.routes import bp as charities
    from openapi.resources.community.routes import bp as community
    from openapi.resources.credit.routes import bp as credit
    from openapi.resources.decisions.routes import bp as decisions
    from openapi.resources.divisions.routes import bp as divisions
    from openapi.resources.exports.routes import bp as exports
    from openapi.resources.inspections.routes import bp as inspections
    from openapi.resources.notices.routes import bp as notices
    from openapi.resources.officer_accounts.routes import bp as officer_accounts
    from openapi.resources.officer_charities.routes import bp as officer_charities
    from openapi.resources.officer_credit.routes import bp as officer_credit
    from openapi.resources.officer_dormant.routes import bp as officer_dormant
    from openapi.resources.officer_reports.routes import bp as officer_reports
    from openapi.resources.officer_trusts.routes import bp as officer_trusts
    from openapi.resources.organisations.routes import bp as organisations
    from openapi.resources.search.routes import bp as search
    from openapi.resources.stats.routes import bp as stats
    from openapi.resources.uscc.routes import bp as uscc

    for blueprint in (
        organisations,
        search,
        community,
        divisions,
        authorities,
        uscc,
        changes,
        stats,
        exports,
        catalog,
        inspections,
        credit,
        notices,
        decisions,
        at_risk,
        charities,
        officer_accounts,
        officer_reports,
        officer_credit,
        officer_dormant,
        officer_charities,
        officer_trusts,
    ):
        api.register_blueprint(blueprint)
