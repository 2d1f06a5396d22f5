from django.urls import path

from passport.people import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up-authenticator/", views.set_up_authenticator, name="set-up-authenticator"),
    path("sign-in/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-in/with/<slug:provider>/", views.sign_in_with_provider, name="sign-in-provider"),
    path(
        "sign-in/with/<slug:provider>/callback/",
        views.sign_in_provider_callback,
        name="sign-in-provider-callback",
    ),
]
