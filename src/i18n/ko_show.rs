//! Korean for showing a run outside the editor: the printed report, the embed.

table! {
    "Print report" => "보고서 인쇄",
    "A one-page summary of this run to print or save as PDF" => "이 실행을 한 쪽으로 요약해 인쇄하거나 PDF로 저장합니다",
    "Run report" => "실행 보고서",
    "Print…" => "인쇄…",
    "One page, A4 or Letter: choose Save as PDF in the print dialog to keep it." => "A4 또는 Letter 한 쪽: 보관하려면 인쇄 창에서 PDF로 저장을 고르세요.",
    "This embed's link cannot be opened: {}" => "이 임베드의 링크를 열 수 없습니다: {}",
    "Chaos event at {}" => "{}의 카오스 이벤트",
    "Open in Scaleboard" => "Scaleboard에서 열기",
    "Embed in a page" => "페이지에 넣기",
    "Paste this into a web page, course or slide: it shows the design read-only, with Play, speed, the timeline and the key figures. It never changes anyone's saved designs." => "웹 페이지, 강의, 슬라이드에 붙여 넣으세요: 설계를 읽기 전용으로 보여 주며 재생, 속도, 타임라인, 핵심 지표가 있습니다. 누구의 저장된 설계도 바꾸지 않습니다.",
    "Embed code" => "임베드 코드",
    "Copy embed code" => "임베드 코드 복사",
}
