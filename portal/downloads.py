"""The one response for every private download (attachments, letters, agreements, generated documents).

The view decides who may have the file; this only builds the response. It imports nothing from the
apps above portal, so every app can use it.
"""

from django.http import FileResponse, Http404


def private_file(file_field, filename, content_type="application/pdf"):
    """``file_field`` (a stored ``FieldFile``) as a download for this user only; 404 when it is empty.

    Headers: ``Content-Type`` as given; ``Content-Length`` from the stored file; ``Content-Disposition:
    attachment`` with ``filename`` made safe by Django (quoted ASCII, or RFC 5987 ``filename*`` for
    Chinese names); ``Cache-Control: private, no-store`` so that no shared cache keeps a copy.
    ``X-Content-Type-Options: nosniff`` is added to every response by SecurityMiddleware
    (``SECURE_CONTENT_TYPE_NOSNIFF``).
    """
    if not file_field:
        raise Http404
    response = FileResponse(file_field.open("rb"), content_type=content_type, as_attachment=True,
                            filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
