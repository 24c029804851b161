"""Every page router, in one list: the app includes them and the access test walks them."""

from fastapi import APIRouter

from app.web.routes import api_docs

PAGE_ROUTERS: tuple[APIRouter, ...] = (api_docs.router,)
