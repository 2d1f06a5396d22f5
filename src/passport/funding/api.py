from ninja import Router

router = Router(tags=["School-group funding and commissions"])
