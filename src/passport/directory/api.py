from ninja import Router

router = Router(tags=["Service directory (Open Referral UK)"])
