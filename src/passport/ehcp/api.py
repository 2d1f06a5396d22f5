from ninja import Router

router = Router(tags=["EHC needs assessments and plans"])
