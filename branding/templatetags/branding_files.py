from django import template

from branding.files import file_url

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_file_url(context, file) -> str:  # noqa: ANN001 - template tag
    """`{% signed_file_url file %}`: an expiring link for the signed-in person."""
    return file_url(file, context["request"].user)
