"""A bare Flask app with one endpoint, served exactly like Shouwang by `make bench-web`: the
ceiling that the web benchmark compares our throughput with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "ok"
