"""The company side's blueprint (/company/…); its route modules attach their views to it."""

from flask import Blueprint

bp = Blueprint("employers", __name__, url_prefix="/company")
