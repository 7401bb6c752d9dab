"""ConnectWise-shaped error answers: ``{code, message, errors: [{code, message, resource, field}]}``."""


class ApiError(Exception):
    """Raised anywhere below a handler; the app turns it into a JSON error answer."""

    def __init__(self, status, code, message, errors=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}

    def body(self):
        return {"code": self.code, "message": self.message, "errors": self.errors}


def field_error(code, message, resource, field):
    return {"code": code, "message": message, "resource": resource, "field": field}


def invalid(resource, errors):
    """400 InvalidObject with field errors, the shape ConnectWise uses for validation failures."""
    return ApiError(400, "InvalidObject", "%s object is invalid" % resource, errors)


def not_found(resource, ident):
    return ApiError(404, "NotFound", "%s recId %s does not exist" % (resource, ident))


def unauthorized(message="Authentication failed."):
    return ApiError(401, "Unauthorized", message,
                    [field_error("Unauthorized", message, "authentication", "Authorization")])


def no_route(path):
    # the wording of an ASP.NET Web API "no route" answer, which is what ConnectWise is built on
    return ApiError(404, "NotFound", "No HTTP resource was found that matches the request URI '%s'." % path)


def bad_method(method, allowed):
    return ApiError(405, "MethodNotAllowed", "The requested resource does not support http method '%s'." % method,
                    headers={"Allow": ", ".join(sorted(allowed))})


def bad_request(message, field=None, resource="request"):
    errors = [field_error("InvalidParameter", message, resource, field)] if field else []
    return ApiError(400, "BadRequest", message, errors)
