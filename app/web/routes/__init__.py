"""Every page router, in one list: the app includes them and the access test walks them."""

from fastapi import APIRouter
from fastapi.routing import APIRoute

from app.web.routes import (
    api_docs,
    audit_tokens_pages,
    case_page,
    dashboard_page,
    eligibility_page,
    people_page,
    quarantine_page,
    radiologists_page,
    rules_editor_page,
    rules_page,
    rules_test_page,
    sign_in,
    worklist_page,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    api_docs.router,
    sign_in.router,
    worklist_page.router,
    case_page.router,
    people_page.router,
    rules_page.router,
    rules_editor_page.router,
    rules_test_page.router,
    radiologists_page.router,
    eligibility_page.router,
    dashboard_page.router,
    quarantine_page.router,
    audit_tokens_pages.router,
)


def page_routes() -> set[tuple[str, str]]:
    """(method, path template) of every page, as the access table names them."""
    return {
        (method, route.path)
        for router in PAGE_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
