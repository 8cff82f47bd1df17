"""The jobcentre side's blueprint; its route modules attach their views to it."""

from flask import Blueprint

bp = Blueprint("candidates", __name__)
