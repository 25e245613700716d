"""Merchant URLs of white-label shipping, mounted under /portal/."""

from django.urls import path

from shipping import views

app_name = "shipping"

urlpatterns = [
    path("shipments/", views.shipments, name="shipments"),
    path("orders/<str:reference>/consignees/", views.consignees, name="consignees"),
    path("orders/<str:reference>/consignees/add/", views.consignee_add, name="consignee_add"),
    path("orders/<str:reference>/consignees/upload/", views.consignee_upload, name="consignee_upload"),
    path("orders/<str:reference>/consignees/notify/", views.consignee_notify, name="consignee_notify"),
    path("orders/<str:reference>/consignees/<int:number>/remove/", views.consignee_remove, name="consignee_remove"),
    path("orders/<str:reference>/shipping/start/", views.shipping_start, name="start"),
    path("orders/<str:reference>/shipments/", views.order_shipments, name="order_shipments"),
    path("orders/<str:reference>/shipments/progress/", views.order_progress, name="order_progress"),
    path("api/orders/<str:reference>/consignees/", views.api_consignees, name="api_consignees"),
]
