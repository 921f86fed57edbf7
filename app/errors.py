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
    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_SIGN_IN_ATTEMPTS = "TOO_MANY_SIGN_IN_ATTEMPTS"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    CENTRE_NOT_FOUND = "CENTRE_NOT_FOUND"
    CENTRE_REQUIRED = "CENTRE_REQUIRED"
    PROCEDURE_NOT_FOUND = "PROCEDURE_NOT_FOUND"
    CENTRE_NOT_ELIGIBLE = "CENTRE_NOT_ELIGIBLE"
    INVALID_FORM_FIELD = "INVALID_FORM_FIELD"
    DOSSIER_NOT_FOUND = "DOSSIER_NOT_FOUND"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    DOSSIER_CHANGED = "DOSSIER_CHANGED"
    NO_OPEN_SUPPLEMENT_REQUEST = "NO_OPEN_SUPPLEMENT_REQUEST"
    INVALID_SUPPLEMENT_ITEMS = "INVALID_SUPPLEMENT_ITEMS"
    INVALID_DEADLINE = "INVALID_DEADLINE"
    DOSSIER_NOT_LATE = "DOSSIER_NOT_LATE"
    INVALID_NOTE = "INVALID_NOTE"
    ADDRESS_NOT_FOUND = "ADDRESS_NOT_FOUND"
    RESIDENCE_REQUIRED = "RESIDENCE_REQUIRED"
    SLOT_FULL = "SLOT_FULL"
    CENTRE_CLOSED = "CENTRE_CLOSED"
    SLOT_IN_PAST = "SLOT_IN_PAST"
    NOT_A_SLOT = "NOT_A_SLOT"
    TOO_MANY_BOOKINGS = "TOO_MANY_BOOKINGS"
    BEYOND_HORIZON = "BEYOND_HORIZON"
    INVALID_SLOT_RANGE = "INVALID_SLOT_RANGE"
    INVALID_CAPACITY = "INVALID_CAPACITY"
    APPOINTMENT_NOT_FOUND = "APPOINTMENT_NOT_FOUND"
    APPOINTMENT_NOT_ACTIVE = "APPOINTMENT_NOT_ACTIVE"
    INVALID_DEVICE_TOKEN = "INVALID_DEVICE_TOKEN"
    INVALID_APP_VERSION = "INVALID_APP_VERSION"
    INVALID_QUIET_HOURS = "INVALID_QUIET_HOURS"
    TOO_MANY_IDS = "TOO_MANY_IDS"
    INVALID_NOTIFICATION_SELECTION = "INVALID_NOTIFICATION_SELECTION"
    FEE_UNKNOWN = "FEE_UNKNOWN"
    PAYMENT_NOT_REQUESTED = "PAYMENT_NOT_REQUESTED"
    ALREADY_PAID = "ALREADY_PAID"
    PAYMENT_GATEWAY_ERROR = "PAYMENT_GATEWAY_ERROR"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    REASON_REQUIRED = "REASON_REQUIRED"
    NOTHING_TO_REFUND = "NOTHING_TO_REFUND"
    REFUND_EXCEEDS_PAID = "REFUND_EXCEEDS_PAID"
    FEE_ITEM_NOT_FOUND = "FEE_ITEM_NOT_FOUND"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    PAYMENT_SIMULATION_UNAVAILABLE = "PAYMENT_SIMULATION_UNAVAILABLE"
    RATING_NOT_OPEN = "RATING_NOT_OPEN"
    RATING_LOCKED = "RATING_LOCKED"
    INVALID_SCORE = "INVALID_SCORE"
    RATING_NOT_FOUND = "RATING_NOT_FOUND"
    RATING_ALREADY_ANSWERED = "RATING_ALREADY_ANSWERED"
    INVALID_RESPONSE = "INVALID_RESPONSE"
    INVALID_PERIOD = "INVALID_PERIOD"
    INVALID_FORECAST_DAYS = "INVALID_FORECAST_DAYS"
    PORTAL_RECORD_NOT_PARKED = "PORTAL_RECORD_NOT_PARKED"
    INVALID_QUESTION = "INVALID_QUESTION"
    UNSUPPORTED_FILE_TYPE = "UNSUPPORTED_FILE_TYPE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_HASH_MISMATCH = "FILE_HASH_MISMATCH"
    INVALID_FILE_NAME = "INVALID_FILE_NAME"
    UPLOAD_NOT_FOUND = "UPLOAD_NOT_FOUND"
    UPLOAD_INCOMPLETE = "UPLOAD_INCOMPLETE"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    IMAGE_UNREADABLE = "IMAGE_UNREADABLE"
    PDF_ENCRYPTED = "PDF_ENCRYPTED"
    PDF_UNREADABLE = "PDF_UNREADABLE"
    FILE_INFECTED = "FILE_INFECTED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    DOCUMENT_NOT_FOUND = "DOCUMENT_NOT_FOUND"
    DOCUMENT_NOT_READY = "DOCUMENT_NOT_READY"
    DOCUMENT_IN_USE = "DOCUMENT_IN_USE"
    DOCUMENT_MISSING = "DOCUMENT_MISSING"
    UNKNOWN_REQUIREMENT = "UNKNOWN_REQUIREMENT"
    DOCUMENT_NOT_ACCEPTED = "DOCUMENT_NOT_ACCEPTED"
    TOO_MANY_UPLOADS = "TOO_MANY_UPLOADS"
    RESULT_NOT_EXPECTED = "RESULT_NOT_EXPECTED"
    RESULT_NOT_SIGNABLE = "RESULT_NOT_SIGNABLE"
    UNKNOWN_DOCUMENT_KIND = "UNKNOWN_DOCUMENT_KIND"
    INVALID_PROFILE_VALUE = "INVALID_PROFILE_VALUE"
    INVALID_CITIZEN_ID = "INVALID_CITIZEN_ID"
    PROFILE_VALUE_VERIFIED = "PROFILE_VALUE_VERIFIED"
    IDENTITY_PROVIDER_UNAVAILABLE = "IDENTITY_PROVIDER_UNAVAILABLE"
    IDENTITY_NOT_FOUND = "IDENTITY_NOT_FOUND"
    DRAFT_NOT_FOUND = "DRAFT_NOT_FOUND"
    DRAFT_CHANGED = "DRAFT_CHANGED"
    DRAFT_EXPIRED = "DRAFT_EXPIRED"
    TOO_MANY_DRAFTS = "TOO_MANY_DRAFTS"
    INVALID_DOCUMENT_REFERENCES = "INVALID_DOCUMENT_REFERENCES"
    IDENTIFICATION_REQUIRED = "IDENTIFICATION_REQUIRED"
    IDENTITY_MISMATCH = "IDENTITY_MISMATCH"
    COUNTER_CENTRE_REQUIRED = "COUNTER_CENTRE_REQUIRED"
    CITIZEN_NOT_FOUND = "CITIZEN_NOT_FOUND"
    INVALID_DELEGATION = "INVALID_DELEGATION"
    DELEGATION_STAFF_ONLY = "DELEGATION_STAFF_ONLY"
    DELEGATION_EXISTS = "DELEGATION_EXISTS"
    TOO_MANY_DELEGATION_REQUESTS = "TOO_MANY_DELEGATION_REQUESTS"
    DELEGATION_NOT_FOUND = "DELEGATION_NOT_FOUND"
    DELEGATION_NOT_ACTIVE = "DELEGATION_NOT_ACTIVE"
    DELEGATION_NOT_COVERED = "DELEGATION_NOT_COVERED"
    PROCEDURE_NEEDS_PERSON = "PROCEDURE_NEEDS_PERSON"
    DELEGATION_NOT_ACCEPTED = "DELEGATION_NOT_ACCEPTED"
    DELEGATION_EXPIRED = "DELEGATION_EXPIRED"
    DELEGATION_ENDED = "DELEGATION_ENDED"
    DELEGATION_PROCEDURE_NOT_COVERED = "DELEGATION_PROCEDURE_NOT_COVERED"
    PROCEDURE_NEEDS_NOTARISED_AUTHORISATION = "PROCEDURE_NEEDS_NOTARISED_AUTHORISATION"


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
    ErrorCode.TOO_MANY_REQUESTS: {
        "vi": "Có quá nhiều yêu cầu từ thiết bị hoặc mạng này. Vui lòng thử lại sau {retry_after} giây.",
        "en": "Too many requests from this device or network. Please try again in {retry_after} seconds.",
    },
    ErrorCode.INVALID_CREDENTIALS: {
        "vi": "Email hoặc mật khẩu không đúng.",
        "en": "The email or password is wrong.",
    },
    ErrorCode.TOO_MANY_SIGN_IN_ATTEMPTS: {
        "vi": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {retry_after} giây.",
        "en": "Too many failed sign-in attempts. Please try again in {retry_after} seconds.",
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
    ErrorCode.PROCEDURE_NOT_FOUND: {
        "vi": "Không tìm thấy thủ tục.",
        "en": "The procedure was not found.",
    },
    ErrorCode.CENTRE_NOT_ELIGIBLE: {
        "vi": "Thủ tục này không được tiếp nhận tại trung tâm đã chọn. {reason}",
        "en": "This centre cannot take this procedure. {reason}",
    },
    ErrorCode.INVALID_FORM_FIELD: {
        "vi": "Thông tin trong tờ khai bị thiếu hoặc không hợp lệ.",
        "en": "A form field is missing or not valid.",
    },
    ErrorCode.DOSSIER_NOT_FOUND: {
        "vi": "Không tìm thấy hồ sơ.",
        "en": "The dossier was not found.",
    },
    ErrorCode.ILLEGAL_TRANSITION: {
        "vi": "Không thể chuyển hồ sơ từ trạng thái hiện tại sang trạng thái này.",
        "en": "The dossier cannot move from its current status to this one.",
    },
    ErrorCode.DOSSIER_CHANGED: {
        "vi": "Hồ sơ vừa được cập nhật bởi người khác. Vui lòng tải lại.",
        "en": "The dossier was just changed by someone else. Please reload.",
    },
    ErrorCode.NO_OPEN_SUPPLEMENT_REQUEST: {
        "vi": "Hồ sơ không có yêu cầu bổ sung nào đang chờ.",
        "en": "The dossier has no open request for documents.",
    },
    ErrorCode.INVALID_SUPPLEMENT_ITEMS: {
        "vi": "Cần liệt kê từ 1 đến 20 giấy tờ cần bổ sung.",
        "en": "List 1 to 20 documents to supply.",
    },
    ErrorCode.INVALID_DEADLINE: {
        "vi": "Thời hạn phải ở trong tương lai.",
        "en": "The deadline must be in the future.",
    },
    ErrorCode.DOSSIER_NOT_LATE: {
        "vi": "Hồ sơ chưa quá hạn.",
        "en": "The dossier is not overdue.",
    },
    ErrorCode.INVALID_NOTE: {
        "vi": "Nội dung tối đa 2000 ký tự.",
        "en": "The text must be at most 2000 characters long.",
    },
    ErrorCode.ADDRESS_NOT_FOUND: {
        "vi": "Không tìm thấy địa chỉ này ở Quảng Ninh. Hãy ghi rõ phường, xã hoặc đặc khu.",
        "en": "This address was not found in Quảng Ninh. Name the ward, commune or special zone.",
    },
    ErrorCode.RESIDENCE_REQUIRED: {
        "vi": "Thủ tục theo địa bàn: hãy đăng nhập và cập nhật nơi cư trú để biết trung tâm tiếp nhận.",
        "en": "Residence-bound procedure: sign in and set your registered residence to find the centre that takes it.",
    },
    ErrorCode.SLOT_FULL: {
        "vi": "Khung giờ này đã hết chỗ. Vui lòng chọn khung giờ khác.",
        "en": "This slot is full. Choose another one.",
    },
    ErrorCode.CENTRE_CLOSED: {
        "vi": "Trung tâm không làm việc vào ngày này.",
        "en": "The centre is closed on this day.",
    },
    ErrorCode.SLOT_IN_PAST: {
        "vi": "Khung giờ đã qua hoặc quá gần: cần đặt trước ít nhất 2 giờ.",
        "en": "The slot is past or too soon: book at least 2 hours ahead.",
    },
    ErrorCode.NOT_A_SLOT: {
        "vi": "Thời điểm này không phải khung giờ tiếp nhận của trung tâm.",
        "en": "This time is not one of the centre's slots.",
    },
    ErrorCode.TOO_MANY_BOOKINGS: {
        "vi": "Bạn đã có lịch hẹn cho thủ tục này trong ngày.",
        "en": "You already have a booking for this procedure on that day.",
    },
    ErrorCode.BEYOND_HORIZON: {
        "vi": "Chỉ đặt được lịch trong vòng 30 ngày tới.",
        "en": "Bookings open only 30 days ahead.",
    },
    ErrorCode.INVALID_SLOT_RANGE: {
        "vi": "Khoảng ngày không hợp lệ: từ hôm nay, 1 đến 31 ngày.",
        "en": "Invalid date range: from today, 1 to 31 days.",
    },
    ErrorCode.INVALID_CAPACITY: {
        "vi": "Số chỗ mỗi khung giờ phải từ 0 đến 100.",
        "en": "Places per slot must be 0 to 100.",
    },
    ErrorCode.APPOINTMENT_NOT_FOUND: {
        "vi": "Không tìm thấy lịch hẹn.",
        "en": "The appointment was not found.",
    },
    ErrorCode.APPOINTMENT_NOT_ACTIVE: {
        "vi": "Lịch hẹn đã bị hủy hoặc đã hoàn tất.",
        "en": "The appointment is cancelled or already finished.",
    },
    ErrorCode.INVALID_DEVICE_TOKEN: {
        "vi": "Mã thiết bị không hợp lệ.",
        "en": "The device token is not valid.",
    },
    ErrorCode.INVALID_APP_VERSION: {
        "vi": "Phiên bản ứng dụng quá dài (tối đa 32 ký tự).",
        "en": "The app version is too long (32 characters at most).",
    },
    ErrorCode.INVALID_QUIET_HOURS: {
        "vi": "Giờ yên lặng phải là giờ:phút trong ngày, từ 00:00 đến 23:59.",
        "en": "Quiet hours must be times of day from 00:00 to 23:59.",
    },
    ErrorCode.INVALID_NOTIFICATION_SELECTION: {
        "vi": "Chọn thông báo theo danh sách mã hoặc chọn tất cả, không cả hai.",
        "en": "Give either a list of notification IDs or all, not both.",
    },
    ErrorCode.TOO_MANY_IDS: {
        "vi": "Tối đa {limit} mục mỗi lần.",
        "en": "At most {limit} items at a time.",
    },
    ErrorCode.FEE_UNKNOWN: {
        "vi": "Chưa xác định được lệ phí của hồ sơ, vui lòng liên hệ trung tâm.",
        "en": "The fee of this dossier is not known yet; please contact the centre.",
    },
    ErrorCode.PAYMENT_NOT_REQUESTED: {
        "vi": "Hồ sơ không ở trạng thái chờ thanh toán.",
        "en": "The dossier is not awaiting payment.",
    },
    ErrorCode.ALREADY_PAID: {
        "vi": "Lệ phí của hồ sơ đã được thanh toán.",
        "en": "The fee of this dossier is already paid.",
    },
    ErrorCode.PAYMENT_GATEWAY_ERROR: {
        "vi": "Cổng thanh toán tạm thời không phản hồi. Vui lòng thử lại sau.",
        "en": "The payment gateway is not answering. Please try again later.",
    },
    ErrorCode.INVALID_AMOUNT: {
        "vi": "Số tiền không hợp lệ.",
        "en": "The amount is not valid.",
    },
    ErrorCode.REASON_REQUIRED: {
        "vi": "Vui lòng nhập lý do (tối đa 1000 ký tự).",
        "en": "Please give a reason (at most 1000 characters).",
    },
    ErrorCode.NOTHING_TO_REFUND: {
        "vi": "Hồ sơ chưa có khoản thanh toán nào để hoàn tiền.",
        "en": "The dossier has no payment to refund.",
    },
    ErrorCode.REFUND_EXCEEDS_PAID: {
        "vi": "Số tiền hoàn vượt quá số đã thanh toán.",
        "en": "The refund exceeds what was paid and not yet refunded.",
    },
    ErrorCode.FEE_ITEM_NOT_FOUND: {
        "vi": "Không tìm thấy khoản thu này trong thủ tục.",
        "en": "The procedure has no such fee item.",
    },
    ErrorCode.INVALID_DATE_RANGE: {
        "vi": "Khoảng ngày không hợp lệ: từ ngày không sau đến ngày, tối đa 31 ngày.",
        "en": "Invalid date range: from not after to, at most 31 days.",
    },
    ErrorCode.PAYMENT_SIMULATION_UNAVAILABLE: {
        "vi": "Chỉ mô phỏng được thanh toán khi chưa cấu hình khóa Stripe.",
        "en": "Payments can only be simulated when no Stripe key is configured.",
    },
    ErrorCode.RATING_NOT_OPEN: {
        "vi": "Chỉ đánh giá được hồ sơ đã có kết quả hoặc đã trả kết quả.",
        "en": "A dossier can be rated once its result is ready or returned.",
    },
    ErrorCode.RATING_LOCKED: {
        "vi": "Chỉ sửa được đánh giá trong vòng {days} ngày.",
        "en": "A rating can be changed for {days} days only.",
    },
    ErrorCode.INVALID_SCORE: {
        "vi": "Điểm mỗi tiêu chí phải từ 1 đến 5.",
        "en": "Each criterion's score must be 1 to 5.",
    },
    ErrorCode.RATING_NOT_FOUND: {
        "vi": "Không tìm thấy đánh giá.",
        "en": "The rating was not found.",
    },
    ErrorCode.RATING_ALREADY_ANSWERED: {
        "vi": "Đánh giá này đã được trả lời.",
        "en": "This rating has already been answered.",
    },
    ErrorCode.INVALID_RESPONSE: {
        "vi": "Nội dung trả lời phải có từ 1 đến 2000 ký tự.",
        "en": "The answer must be 1 to 2000 characters long.",
    },
    ErrorCode.INVALID_PERIOD: {
        "vi": "Khoảng thời gian không hợp lệ: ngày bắt đầu không sau ngày kết thúc, tối đa {max_days} ngày.",
        "en": "Invalid period: the start is not after the end, at most {max_days} days.",
    },
    ErrorCode.INVALID_FORECAST_DAYS: {
        "vi": "Số ngày dự báo phải từ 1 đến {max_days}.",
        "en": "Forecast days must be 1 to {max_days}.",
    },
    ErrorCode.PORTAL_RECORD_NOT_PARKED: {
        "vi": "Bản ghi đồng bộ này không ở trạng thái chờ xử lý lại (không tồn tại hoặc đã được gửi lại).",
        "en": "This sync record is not parked (unknown, or already sent again).",
    },
    ErrorCode.INVALID_QUESTION: {
        "vi": "Câu hỏi phải có nội dung và không quá {max_length} ký tự.",
        "en": "The question must not be empty and has at most {max_length} characters.",
    },
    ErrorCode.UNSUPPORTED_FILE_TYPE: {
        "vi": "Loại tệp không được chấp nhận: chỉ PDF, JPEG, PNG hoặc HEIC, đúng với nội dung tệp.",
        "en": "File type not accepted: only PDF, JPEG, PNG or HEIC, matching the file's content.",
    },
    ErrorCode.FILE_TOO_LARGE: {
        "vi": "Tệp quá lớn: tối đa {max_bytes} byte.",
        "en": "The file is too large: at most {max_bytes} bytes.",
    },
    ErrorCode.FILE_HASH_MISMATCH: {
        "vi": "Mã SHA-256 của tệp nhận được không khớp với mã đã khai báo.",
        "en": "The received file's SHA-256 does not match the announced one.",
    },
    ErrorCode.INVALID_FILE_NAME: {
        "vi": "Tên tệp không hợp lệ: 1 đến 255 ký tự, không chứa đường dẫn.",
        "en": "Invalid file name: 1 to 255 characters, without any path.",
    },
    ErrorCode.UPLOAD_NOT_FOUND: {
        "vi": "Không tìm thấy phiên tải lên (mã sai, đã hết hạn hoặc không phải của bạn).",
        "en": "Upload not found (wrong id, expired, or not yours).",
    },
    ErrorCode.UPLOAD_INCOMPLETE: {
        "vi": "Tệp chưa được tải lên đủ: đã nhận {received} trên {expected} byte.",
        "en": "The upload is incomplete: {received} of {expected} bytes received.",
    },
    ErrorCode.IMAGE_TOO_LARGE: {
        "vi": "Ảnh có quá nhiều điểm ảnh để xử lý an toàn.",
        "en": "The image has too many pixels to be processed safely.",
    },
    ErrorCode.IMAGE_UNREADABLE: {
        "vi": "Không đọc được ảnh: tệp hỏng hoặc không phải ảnh.",
        "en": "The image cannot be read: the file is damaged or not an image.",
    },
    ErrorCode.PDF_ENCRYPTED: {
        "vi": "Tệp PDF được mã hoá hoặc đặt mật khẩu: hãy gửi bản không mã hoá.",
        "en": "The PDF is encrypted or password-protected: send an unencrypted copy.",
    },
    ErrorCode.PDF_UNREADABLE: {
        "vi": "Không mở được tệp PDF: tệp hỏng.",
        "en": "The PDF cannot be opened: the file is damaged.",
    },
    ErrorCode.FILE_INFECTED: {
        "vi": "Tệp chứa mã độc và đã bị từ chối.",
        "en": "The file contains malware and was refused.",
    },
    ErrorCode.QUOTA_EXCEEDED: {
        "vi": "Kho giấy tờ của bạn đã đầy: tối đa {quota_bytes} byte.",
        "en": "Your document store is full: at most {quota_bytes} bytes.",
    },
    ErrorCode.DOCUMENT_NOT_FOUND: {
        "vi": "Không tìm thấy giấy tờ.",
        "en": "The document was not found.",
    },
    ErrorCode.DOCUMENT_NOT_READY: {
        "vi": "Giấy tờ chưa kiểm tra xong hoặc đã bị từ chối nên chưa thể đính kèm.",
        "en": "The document is not checked and clean yet, or was refused, so it cannot be attached.",
    },
    ErrorCode.DOCUMENT_IN_USE: {
        "vi": "Giấy tờ đang được dùng trong một hồ sơ chưa kết thúc.",
        "en": "The document is used by a dossier that is not finished.",
    },
    ErrorCode.DOCUMENT_MISSING: {
        "vi": "Thiếu giấy tờ bắt buộc: {name}.",
        "en": "A mandatory document is missing: {name}.",
    },
    ErrorCode.UNKNOWN_REQUIREMENT: {
        "vi": "Thủ tục này không yêu cầu giấy tờ này.",
        "en": "This procedure has no such document requirement.",
    },
    ErrorCode.DOCUMENT_NOT_ACCEPTED: {
        "vi": "Giấy tờ không phù hợp với yêu cầu: {reason}.",
        "en": "The document does not fit the requirement: {reason}.",
    },
    ErrorCode.TOO_MANY_UPLOADS: {
        "vi": "Bạn đang có {limit} lượt tải lên chưa xong: hãy hoàn tất hoặc chờ chúng hết hạn.",
        "en": "You have {limit} unfinished uploads: finish them or wait until they expire.",
    },
    ErrorCode.RESULT_NOT_EXPECTED: {
        "vi": "Chỉ cấp kết quả cho hồ sơ đang xử lý, chờ thanh toán, đã có hoặc đã trả kết quả.",
        "en": "A result is issued only while processing, awaiting payment, or once the result is ready or returned.",
    },
    ErrorCode.RESULT_NOT_SIGNABLE: {
        "vi": "Không ký số được tệp kết quả: tệp phải là PDF đọc được, không mã hóa, chưa có chữ ký.",
        "en": "The result could not be signed: it must be a readable PDF, not encrypted and not yet signed.",
    },
    ErrorCode.UNKNOWN_DOCUMENT_KIND: {
        "vi": "Loại giấy tờ không thuộc danh sách giấy tờ dùng lại được.",
        "en": "Not one of the reusable document kinds.",
    },
    ErrorCode.INVALID_PROFILE_VALUE: {
        "vi": "Giá trị thông tin cá nhân không hợp lệ.",
        "en": "The profile value is not valid.",
    },
    ErrorCode.INVALID_CITIZEN_ID: {
        "vi": "Số định danh cá nhân không hợp lệ hoặc không khớp với ngày sinh, giới tính.",
        "en": "The personal identification number is not valid, or does not match the date of birth and sex.",
    },
    ErrorCode.PROFILE_VALUE_VERIFIED: {
        "vi": "Thông tin này đã được xác thực, không thể tự sửa. Vui lòng liên hệ bộ phận một cửa.",
        "en": "This value is verified and cannot be edited by you. Please ask at a service centre.",
    },
    ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE: {
        "vi": "Chưa kết nối được nguồn định danh điện tử.",
        "en": "No electronic identity source is available.",
    },
    ErrorCode.IDENTITY_NOT_FOUND: {
        "vi": "Nguồn định danh không có thông tin của số điện thoại này.",
        "en": "The identity source has no record for this phone number.",
    },
    ErrorCode.DRAFT_NOT_FOUND: {
        "vi": "Không tìm thấy bản nháp.",
        "en": "The draft was not found.",
    },
    ErrorCode.DRAFT_CHANGED: {
        "vi": "Bản nháp đã được thay đổi trên thiết bị khác (phiên bản hiện tại {version}). Vui lòng tải lại.",
        "en": "The draft was changed on another device (current version {version}). Please reload it.",
    },
    ErrorCode.DRAFT_EXPIRED: {
        "vi": "Bản nháp đã hết hạn.",
        "en": "The draft has expired.",
    },
    ErrorCode.TOO_MANY_DRAFTS: {
        "vi": "Bạn đã có tối đa {max_drafts} bản nháp. Vui lòng nộp hoặc xóa bớt.",
        "en": "You already have the maximum of {max_drafts} drafts. Submit or discard some first.",
    },
    ErrorCode.INVALID_DOCUMENT_REFERENCES: {
        "vi": "Danh sách giấy tờ đính kèm không hợp lệ (tối đa {max_documents}).",
        "en": "The attached document list is not valid (at most {max_documents}).",
    },
    ErrorCode.IDENTIFICATION_REQUIRED: {
        "vi": "Cần mã gửi tới điện thoại của công dân hoặc số căn cước đã kiểm tra trực tiếp (một trong hai).",
        "en": "Give the code sent to the citizen's phone or the ID card number checked in person (one of them).",
    },
    ErrorCode.IDENTITY_MISMATCH: {
        "vi": "Số căn cước không khớp với số đã xác thực của công dân này.",
        "en": "The ID card number does not match this citizen's verified number.",
    },
    ErrorCode.COUNTER_CENTRE_REQUIRED: {
        "vi": "Chỉ cán bộ của một trung tâm mới nộp hộ hồ sơ tại quầy.",
        "en": "Only staff of a centre can file dossiers at its counter.",
    },
    ErrorCode.CITIZEN_NOT_FOUND: {
        "vi": "Không có công dân nào dùng số điện thoại này.",
        "en": "No citizen uses this phone number.",
    },
    ErrorCode.INVALID_DELEGATION: {
        "vi": "Ủy quyền không hợp lệ: không cho chính mình, ít nhất một việc, ngày kết thúc trong 5 năm tới.",
        "en": "Invalid delegation: not to oneself, at least one action, an end date within the next 5 years.",
    },
    ErrorCode.DELEGATION_STAFF_ONLY: {
        "vi": "Ủy quyền giám hộ (người chưa thành niên, người được giám hộ) chỉ do cán bộ ghi nhận.",
        "en": "Guardianship grants (minors, persons under guardianship) are recorded by staff only.",
    },
    ErrorCode.DELEGATION_EXISTS: {
        "vi": "Hai người đã có một ủy quyền đang chờ hoặc đang hiệu lực.",
        "en": "These two people already have a pending or active grant.",
    },
    ErrorCode.TOO_MANY_DELEGATION_REQUESTS: {
        "vi": "Đã có {max_requests} yêu cầu ủy quyền đang chờ chấp nhận.",
        "en": "There are already {max_requests} delegation requests waiting for acceptance.",
    },
    ErrorCode.DELEGATION_NOT_FOUND: {
        "vi": "Không tìm thấy ủy quyền.",
        "en": "The delegation was not found.",
    },
    ErrorCode.DELEGATION_NOT_ACTIVE: {
        "vi": "Ủy quyền chưa được chấp nhận, đã kết thúc hoặc đã hết hạn.",
        "en": "The delegation is not accepted yet, has ended or has expired.",
    },
    ErrorCode.DELEGATION_NOT_COVERED: {
        "vi": "Ủy quyền không bao gồm việc này ({action}).",
        "en": "The delegation does not cover this action ({action}).",
    },
    ErrorCode.PROCEDURE_NEEDS_PERSON: {
        "vi": "Thủ tục này không thể làm thay: {reason}.",
        "en": "This procedure cannot be done by a delegate: {reason}.",
    },
    ErrorCode.DELEGATION_NOT_ACCEPTED: {
        "vi": "Bạn chưa chấp nhận ủy quyền của người này.",
        "en": "You have not accepted this person's delegation yet.",
    },
    ErrorCode.DELEGATION_EXPIRED: {
        "vi": "Ủy quyền của người này đã hết hạn.",
        "en": "This person's delegation has expired.",
    },
    ErrorCode.DELEGATION_ENDED: {
        "vi": "Ủy quyền của người này đã kết thúc.",
        "en": "This person's delegation has been ended.",
    },
    ErrorCode.DELEGATION_PROCEDURE_NOT_COVERED: {
        "vi": "Ủy quyền không bao gồm thủ tục này.",
        "en": "The delegation does not cover this procedure.",
    },
    ErrorCode.PROCEDURE_NEEDS_NOTARISED_AUTHORISATION: {
        "vi": "Thủ tục này chỉ làm thay được với ủy quyền do cán bộ ghi nhận: {reason}.",
        "en": "A delegate may do this procedure only under a grant recorded by staff: {reason}.",
    },
}

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


class DomainError(Exception):
    """An expected business failure: a stable code, the input field at fault and message parameters.

    A parameter may be a {"vi": ..., "en": ...} dict when its text depends on the language.
    """

    def __init__(self, code: ErrorCode, field: str | None = None, **params: object) -> None:
        super().__init__(code.value)
        self.code = code
        self.field = field
        self.params = params

    def message(self, locale: str) -> str:
        """The human message in `locale` (Vietnamese when the locale is unknown)."""
        templates = MESSAGES[self.code]
        params = {
            name: value.get(locale, value[DEFAULT_LOCALE]) if isinstance(value, dict) else value
            for name, value in self.params.items()
        }
        return templates.get(locale, templates[DEFAULT_LOCALE]).format(**params)


class DomainErrors(Exception):
    """Several expected business failures found together, e.g. one per missing document."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(", ".join(error.code.value for error in errors))
        self.errors = errors
