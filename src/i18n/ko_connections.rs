//! Korean text for long-lived connections and where a balancer's requests went (issue 20).

table! {
    "Long-lived connections" => "장시간 연결",
    "Users keep a connection open (like a WebSocket) and send messages over it. The load balancer pins each connection to one backend when it opens; the request rate is then not used." => "사용자가 연결을 (웹소켓처럼) 열어 두고 그 위로 메시지를 보냅니다. 로드밸런서는 연결이 열릴 때 백엔드 하나에 고정하며, 이때 요청 속도 값은 쓰이지 않습니다.",
    "New connections" => "새 연결",
    "per second" => "초당",
    "Connections users open per second on average (follows the traffic shape)." => "사용자가 초당 평균으로 여는 연결 수 (트래픽 모양을 따릅니다).",
    "Connection lifetime" => "연결 유지 시간",
    "How long a connection stays open on average. Long ones keep the backend they got when they opened." => "연결이 평균적으로 열려 있는 시간. 오래 가는 연결은 열릴 때 받은 백엔드를 계속 씁니다.",
    "Messages per connection" => "연결당 메시지",
    "Messages each open connection sends per second; each is a request to its backend." => "열린 연결 하나가 초당 보내는 메시지 수. 메시지 하나가 그 백엔드로 가는 요청 하나입니다.",
    "Where requests went" => "요청이 간 곳",
    "{} open" => "{}개 열림",
    "{} users" => "사용자 {}명",
    "{} requests went to backends that have left" => "떠난 백엔드로 간 요청 {}건",
    "open" => "열림",
    "opened" => "연 횟수",
    "closed" => "닫힘",
    "drained" => "드레인",
    "dropped" => "끊김",
    "Instances (autoscaling)" => "인스턴스 (오토스케일링)",
    "booting" => "부팅 중",
}
