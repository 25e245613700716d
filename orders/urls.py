from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<str:sku>/", views.product_detail, name="product"),
    path("catalogue/<str:sku>/add/", views.cart_add, name="cart_add"),
    path("catalogue/<str:sku>/photos/<int:pk>/", views.product_photo, name="product_photo"),
    path("cart/", views.cart, name="cart"),
    path("cart/lines/<int:product_id>/", views.cart_set, name="cart_set"),
    path("cart/quick/", views.cart_quick, name="cart_quick"),
    path("cart/upload/", views.cart_upload, name="cart_upload"),
    path("cart/checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:reference>/", views.order_detail, name="order"),
    path("orders/<str:reference>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<str:reference>/reorder/", views.order_reorder, name="order_reorder"),
    path("orders/<str:reference>/invoices/<str:number>/", views.invoice_download, name="invoice"),
]
