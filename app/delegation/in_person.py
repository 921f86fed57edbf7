"""Procedures that may not be done through a delegate, and why (shown to the delegate as the refusal's reason).

Every other procedure may be done by a delegate whose grant covers it.
"""

IN_PERSON_ONLY: dict[str, dict[str, str]] = {
    "1.004746": {  # Đăng ký lại kết hôn
        "vi": "cả hai bên nam, nữ phải có mặt khi đăng ký kết hôn",
        "en": "both spouses must be present to register a marriage",
    },
}
