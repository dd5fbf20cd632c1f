//! Korean for the words around the engine's problems (where they are, which field). The
//! problems themselves are translated by code in `problems.rs`.

table! {
    "diagram" => "다이어그램",
    "workload" => "실행 설정",
    "warning: " => "경고: ",
    "timeline event {}" => "타임라인 이벤트 {}",
    "scheduled change {}" => "예약 변경 {}",
    "Id" => "식별자",
    "Format version" => "형식 버전",
    "connections" => "연결",
    "caller" => "호출하는 쪽",
    "callee" => "호출받는 쪽",
    "time" => "시점",
    "factor" => "배율",
    "error share" => "오류 비율",
    // Reading a chosen file.
    "{} is larger than 8 MB: not a diagram" => "{}은(는) 8 MB보다 커서 다이어그램이 아닙니다",
    "{} is not a text file" => "{}은(는) 텍스트 파일이 아닙니다",
    "the browser cannot read files" => "이 브라우저는 파일을 읽을 수 없습니다",
}
