"""National-scale benchmark data and helpers (`passport bench ...`, `make bench`).

An app with no models: it is registered in INSTALLED_APPS only so that its `bench` management
command is found. Like `demo`, it sits on top of every other room.
"""
