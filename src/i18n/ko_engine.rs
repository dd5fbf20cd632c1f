//! Korean for what the page says about the simulation engine itself (a crashed Web Worker).

table! {
    "The simulation engine stopped ({}). It restarted with your design: press Play." => "시뮬레이션 엔진이 멈췄습니다 ({}). 설계는 그대로 두고 다시 시작했습니다: 재생을 누르세요.",
}
