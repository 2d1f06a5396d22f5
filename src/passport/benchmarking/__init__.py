"""National-scale benchmark data and helpers (`passport bench ...`, `make bench`).

Not a Django app: nothing here is registered in INSTALLED_APPS. The `bench` management command
lives in `passport.core` and delegates here.
"""
