"""Business error codes shared by every domain, with their Vietnamese and English messages."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes of expected business failures; the app switches on these, never on messages."""

    INVALID_PHONE = "INVALID_PHONE"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_LOCALE = "INVALID_LOCALE"
    INVALID_NAME = "INVALID_NAME"
    SIGN_IN_CODE_RATE_LIMITED = "SIGN_IN_CODE_RATE_LIMITED"
    SIGN_IN_CODE_WRONG = "SIGN_IN_CODE_WRONG"
    SIGN_IN_CODE_EXPIRED = "SIGN_IN_CODE_EXPIRED"
    SIGN_IN_CODE_USED = "SIGN_IN_CODE_USED"
    SIGN_IN_CODE_ATTEMPTS_EXCEEDED = "SIGN_IN_CODE_ATTEMPTS_EXCEEDED"
    SMS_DELIVERY_FAILED = "SMS_DELIVERY_FAILED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    CENTRE_NOT_FOUND = "CENTRE_NOT_FOUND"
    CENTRE_REQUIRED = "CENTRE_REQUIRED"


MESSAGES: dict[ErrorCode, dict[str, str]] = {
    ErrorCode.INVALID_PHONE: {
        "vi": "Số điện thoại không hợp lệ.",
        "en": "The phone number is not valid.",
    },
    ErrorCode.INVALID_EMAIL: {
        "vi": "Địa chỉ email không hợp lệ.",
        "en": "The email address is not valid.",
    },
    ErrorCode.INVALID_LOCALE: {
        "vi": "Ngôn ngữ không được hỗ trợ.",
        "en": "This language is not supported.",
    },
    ErrorCode.INVALID_NAME: {
        "vi": "Họ và tên phải có từ 1 đến 200 ký tự.",
        "en": "The full name must be 1 to 200 characters long.",
    },
    ErrorCode.SIGN_IN_CODE_RATE_LIMITED: {
        "vi": "Bạn đã yêu cầu quá nhiều mã. Vui lòng thử lại sau {retry_after} giây.",
        "en": "Too many codes requested. Please try again in {retry_after} seconds.",
    },
    ErrorCode.SIGN_IN_CODE_WRONG: {
        "vi": "Mã xác thực không đúng.",
        "en": "The sign-in code is wrong.",
    },
    ErrorCode.SIGN_IN_CODE_EXPIRED: {
        "vi": "Mã xác thực đã hết hạn. Vui lòng yêu cầu mã mới.",
        "en": "The sign-in code has expired. Please request a new one.",
    },
    ErrorCode.SIGN_IN_CODE_USED: {
        "vi": "Mã xác thực đã được sử dụng. Vui lòng yêu cầu mã mới.",
        "en": "The sign-in code has already been used. Please request a new one.",
    },
    ErrorCode.SIGN_IN_CODE_ATTEMPTS_EXCEEDED: {
        "vi": "Bạn đã nhập sai quá nhiều lần. Vui lòng yêu cầu mã mới.",
        "en": "Too many wrong attempts. Please request a new code.",
    },
    ErrorCode.SMS_DELIVERY_FAILED: {
        "vi": "Không gửi được tin nhắn. Vui lòng thử lại sau.",
        "en": "The text message could not be sent. Please try again later.",
    },
    ErrorCode.INVALID_CREDENTIALS: {
        "vi": "Email hoặc mật khẩu không đúng.",
        "en": "The email or password is wrong.",
    },
    ErrorCode.INVALID_REFRESH_TOKEN: {
        "vi": "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
        "en": "Your session has expired. Please sign in again.",
    },
    ErrorCode.WEAK_PASSWORD: {
        "vi": "Mật khẩu phải có ít nhất {min_length} ký tự.",
        "en": "The password must be at least {min_length} characters long.",
    },
    ErrorCode.EMAIL_TAKEN: {
        "vi": "Email này đã được dùng cho một tài khoản khác.",
        "en": "This email is already used by another account.",
    },
    ErrorCode.CENTRE_NOT_FOUND: {
        "vi": "Không tìm thấy trung tâm.",
        "en": "The centre was not found.",
    },
    ErrorCode.CENTRE_REQUIRED: {
        "vi": "Cán bộ và quản lý phải thuộc một trung tâm.",
        "en": "Officers and managers must belong to a centre.",
    },
}

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


class DomainError(Exception):
    """An expected business failure: a stable code, the input field at fault and message parameters."""

    def __init__(self, code: ErrorCode, field: str | None = None, **params: object) -> None:
        super().__init__(code.value)
        self.code = code
        self.field = field
        self.params = params

    def message(self, locale: str) -> str:
        """The human message in `locale` (Vietnamese when the locale is unknown)."""
        templates = MESSAGES[self.code]
        return templates.get(locale, templates[DEFAULT_LOCALE]).format(**self.params)
