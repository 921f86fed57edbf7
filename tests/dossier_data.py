"""Shared facts of dossier tests: centres, procedures and a valid form."""

HA_LONG = "06688"
BAI_CHAY = "06673"
BORDERLESS_5_DAYS = "1.004746"  # Thủ tục đăng ký lại kết hôn: borderless, 5 working days
RESIDENCE_BOUND = "1.001193"  # Thủ tục đăng ký khai sinh: residence-bound, same day
APPLICANT = {
    "applicantName": "Nguyễn Thị Hoa",
    "citizenId": "022190001234",
    "contactPhone": "0912345678",
    "address": "Phường Hạ Long, Quảng Ninh",
}
