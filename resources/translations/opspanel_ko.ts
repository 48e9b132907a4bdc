<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/about_dialog.ui" line="12"/>
        <source>About OpsPanel</source>
        <translation>OpsPanel 정보</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.ui" line="25"/>
        <source>A control panel for the Python back end on this machine.</source>
        <translation>이 컴퓨터의 Python 백엔드를 위한 제어판입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.ui" line="35"/>
        <source>Licensed under the MIT licence.</source>
        <translation>MIT 라이선스로 배포됩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.ui" line="45"/>
        <source>Components</source>
        <translation>구성 요소</translation>
    </message>
</context>
<context>
    <name>AddEngineDialog</name>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="34"/>
        <source>Add an engine</source>
        <translation>엔진 추가</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="40"/>
        <source>a workspace folder, wss://host:port or ssh://user@host/folder</source>
        <translation>작업 공간 폴더, wss://호스트:포트 또는 ssh://사용자@호스트/폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="43"/>
        <source>wss:// only: the file holding the token</source>
        <translation>wss:// 전용: 토큰이 든 파일</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="45"/>
        <source>wss:// only: the certificate or CA to trust</source>
        <translation>wss:// 전용: 신뢰할 인증서 또는 CA</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="47"/>
        <source>ssh:// only: an ssh configuration file</source>
        <translation>ssh:// 전용: ssh 설정 파일</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="49"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="50"/>
        <source>Workspace or URL</source>
        <translation>작업 공간 또는 URL</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="51"/>
        <source>Token file</source>
        <translation>토큰 파일</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="52"/>
        <source>TLS CA file</source>
        <translation>TLS CA 파일</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="53"/>
        <source>SSH config</source>
        <translation>SSH 설정</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="74"/>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="81"/>
        <source>Workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_add_dialog.py" line="83"/>
        <source>Choose a file</source>
        <translation>파일 선택</translation>
    </message>
</context>
<context>
    <name>AllEnginesView</name>
    <message>
        <location filename="../../panel/views/all_engines_view.py" line="37"/>
        <source>Engine</source>
        <translation>엔진</translation>
    </message>
    <message>
        <location filename="../../panel/views/all_engines_view.py" line="38"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/all_engines_view.py" line="39"/>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <location filename="../../panel/views/all_engines_view.py" line="40"/>
        <source>Connections</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../panel/views/all_engines_view.py" line="41"/>
        <source>Jobs today</source>
        <translation>오늘의 작업</translation>
    </message>
</context>
<context>
    <name>ArrayEditor</name>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="42"/>
        <source>Add</source>
        <translation>추가</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="43"/>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <location filename="../../panel/views/audit_view.py" line="63"/>
        <source>When</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="64"/>
        <source>Client</source>
        <translation>클라이언트</translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="65"/>
        <source>Method</source>
        <translation>메서드</translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="66"/>
        <source>Parameters</source>
        <translation>매개변수</translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="67"/>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="68"/>
        <source>Duration</source>
        <translation>소요 시간</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <location filename="../../panel/views/audit_view.py" line="103"/>
        <source>No audit log (the API is not running).</source>
        <translation>감사 로그가 없습니다 (API가 실행 중이 아님).</translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="105"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message numerus="yes">
        <location filename="../../panel/views/audit_view.py" line="124"/>
        <source>%n mutating call(s) shown, newest first.</source>
        <translation>
            <numerusform>변경 호출 %n건 표시, 최신순.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../panel/views/audit_view.py" line="128"/>
        <source>No changes yet: every API call that changes something (from this window, opspanel ctl or a script) is listed here, with its result.</source>
        <translation>아직 변경 사항이 없습니다. 무언가를 바꾸는 API 호출(이 창, opspanel ctl, 스크립트에서 보낸 것)이 결과와 함께 여기에 표시됩니다.</translation>
    </message>
</context>
<context>
    <name>BlockDialog</name>
    <message>
        <location filename="../../ui/block_dialog.ui" line="12"/>
        <source>Block</source>
        <translation>블록</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="20"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="33"/>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="46"/>
        <source>Area</source>
        <translation>영역</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="59"/>
        <source>Start address</source>
        <translation>시작 주소</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="79"/>
        <source>Count</source>
        <translation>개수</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="99"/>
        <source>Period (ms)</source>
        <translation>주기 (ms)</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="119"/>
        <source>Enabled</source>
        <translation>활성화</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="134"/>
        <source>Tags</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="149"/>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="156"/>
        <source>Edit…</source>
        <translation>편집…</translation>
    </message>
    <message>
        <location filename="../../ui/block_dialog.ui" line="163"/>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
</context>
<context>
    <name>CloseActionMenu</name>
    <message>
        <location filename="../../panel/views/close_choice.py" line="108"/>
        <source>When the window &amp;closes</source>
        <translation>창을 닫을 때(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="113"/>
        <source>&amp;Ask every time</source>
        <translation>매번 묻기(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="114"/>
        <source>Keep running in the &amp;background</source>
        <translation>백그라운드에서 계속 실행(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="115"/>
        <source>Stop everything and &amp;quit</source>
        <translation>모두 중지하고 종료(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="133"/>
        <source>This desktop has no tray icon: closing the window asks every time.</source>
        <translation>이 데스크톱에는 트레이 아이콘이 없어 창을 닫을 때마다 묻습니다.</translation>
    </message>
</context>
<context>
    <name>CloseChoiceBox</name>
    <message>
        <location filename="../../panel/views/close_choice.py" line="53"/>
        <source>Close the window?</source>
        <translation>창을 닫을까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="55"/>
        <source>Keep OpsPanel running in the background, or stop everything and quit?</source>
        <translation>OpsPanel을 백그라운드에서 계속 실행할까요, 아니면 모두 중지하고 종료할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="59"/>
        <source>In the background the server, connections and jobs go on and the tray icon stays: choose “Open window” in its menu to bring the window back. You can change this later in File › When the window closes.</source>
        <translation>백그라운드에서는 서버, 연결, 작업이 계속 실행되고 트레이 아이콘이 남습니다. 창을 다시 열려면 아이콘 메뉴에서 “창 열기”를 선택하세요. 이 선택은 나중에 파일 › 창을 닫을 때에서 바꿀 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="65"/>
        <source>In the background the server, connections and jobs go on, but this desktop has no tray icon: open OpsPanel again to bring the window back.</source>
        <translation>백그라운드에서는 서버, 연결, 작업이 계속 실행되지만 이 데스크톱에는 트레이 아이콘이 없습니다. 창을 다시 열려면 OpsPanel을 다시 실행하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="70"/>
        <source>Keep running in the background</source>
        <translation>백그라운드에서 계속 실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="73"/>
        <source>Stop everything and quit</source>
        <translation>모두 중지하고 종료</translation>
    </message>
    <message>
        <location filename="../../panel/views/close_choice.py" line="81"/>
        <source>Remember my choice</source>
        <translation>이 선택 기억하기</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="12"/>
        <source>Connection</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="20"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="33"/>
        <source>Driver</source>
        <translation>드라이버</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="46"/>
        <source>Host</source>
        <translation>호스트</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="59"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="79"/>
        <source>Endpoint (OPC UA)</source>
        <translation>엔드포인트 (OPC UA)</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="92"/>
        <source>Unit id</source>
        <translation>유닛 ID</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="112"/>
        <source>Timeout (ms)</source>
        <translation>제한 시간 (ms)</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="132"/>
        <source>Enabled</source>
        <translation>활성화</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="147"/>
        <source>Blocks</source>
        <translation>블록</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="162"/>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="169"/>
        <source>Edit…</source>
        <translation>편집…</translation>
    </message>
    <message>
        <location filename="../../ui/connection_dialog.ui" line="176"/>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
</context>
<context>
    <name>ConnectionTile</name>
    <message>
        <location filename="../../panel/views/overview/connection_tiles.py" line="88"/>
        <source>no value yet</source>
        <translation>아직 값 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/connection_tiles.py" line="90"/>
        <source>updated %1 ago</source>
        <translation>%1 전 갱신</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/connection_tiles.py" line="93"/>
        <source>%1 tags, waiting for values</source>
        <translation>태그 %1개, 값 기다리는 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/connection_tiles.py" line="96"/>
        <source>%1 of %2 tags not good</source>
        <translation>태그 %2개 중 %1개 양호하지 않음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/connection_tiles.py" line="100"/>
        <source>all %1 tags good</source>
        <translation>태그 %1개 모두 양호</translation>
    </message>
</context>
<context>
    <name>ConnectionTiles</name>
    <message>
        <location filename="../../panel/views/overview/connection_tiles.py" line="125"/>
        <source>No connections yet: Add one or Load CSV on the Connections page.</source>
        <translation>아직 연결이 없습니다. 연결 페이지에서 추가하거나 CSV를 불러오세요.</translation>
    </message>
</context>
<context>
    <name>ConnectionsView</name>
    <message>
        <location filename="../../panel/views/connections_view.py" line="144"/>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="145"/>
        <source>Edit…</source>
        <translation>편집…</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="146"/>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="147"/>
        <source>Load CSV…</source>
        <translation>CSV 불러오기…</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="148"/>
        <source>Enable</source>
        <translation>활성화</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="149"/>
        <source>Disable</source>
        <translation>비활성화</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="150"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="170"/>
        <source>Keep workers running if the engine stops</source>
        <translation>엔진이 멈춰도 워커 계속 실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="173"/>
        <source>When the engine crashes or is killed, every connection worker keeps polling its device, and the next engine takes the running workers over. A normal quit still stops them. Applies to each worker from its next start.</source>
        <translation>엔진이 비정상 종료되거나 강제 종료되어도 모든 연결 워커가 장치 폴링을 계속하고, 다음에 시작한 엔진이 실행 중인 워커를 넘겨받습니다. 정상 종료하면 워커도 함께 멈춥니다. 각 워커가 다음에 시작할 때부터 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="184"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="185"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="186"/>
        <source>Address</source>
        <translation>주소</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="187"/>
        <source>Link</source>
        <translation>링크</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="188"/>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="189"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="190"/>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="191"/>
        <source>Restarts</source>
        <translation>재시작 횟수</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="192"/>
        <source>Uptime</source>
        <translation>가동 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="193"/>
        <source>Bus (last published)</source>
        <translation>버스 (마지막 게시)</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="194"/>
        <source>Process</source>
        <translation>프로세스</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="213"/>
        <source>No connections yet: Add one (Modbus TCP or OPC UA), or Load CSV to read several from a file.</source>
        <translation>아직 연결이 없습니다. 추가(Modbus TCP 또는 OPC UA)를 누르거나, CSV 불러오기로 파일에서 여러 개를 한 번에 읽어 오세요.</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="229"/>
        <source>Block</source>
        <translation>블록</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="230"/>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="231"/>
        <source>Period (ms)</source>
        <translation>주기 (ms)</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="232"/>
        <source>Last cycle (ms)</source>
        <translation>마지막 주기 (ms)</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="233"/>
        <source>Lateness p99 (ms)</source>
        <translation>지연 p99 (ms)</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="234"/>
        <source>Errors</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="235"/>
        <source>Missed</source>
        <translation>누락</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="254"/>
        <source>Write…</source>
        <translation>쓰기…</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="268"/>
        <source>Tags</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="269"/>
        <source>Blocks</source>
        <translation>블록</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="270"/>
        <source>Trend</source>
        <translation>추이</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="273"/>
        <source>Worker: CPU and memory</source>
        <translation>워커: CPU와 메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="274"/>
        <source>CPU/Memory</source>
        <translation>CPU/메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="296"/>
        <source>Quality:</source>
        <translation>품질:</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="405"/>
        <source>Group {name}</source>
        <translation>그룹 {name}</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="406"/>
        <source>Own</source>
        <translation>단독</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="410"/>
        <source>Connections of one group share one worker process: one fault in a group stops all its connections, and they restart together.</source>
        <translation>한 그룹의 연결은 워커 프로세스 하나를 함께 씁니다. 그룹에서 장애가 하나라도 나면 그 그룹의 모든 연결이 멈추고 함께 다시 시작됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="418"/>
        <source>{pid} (adopted)</source>
        <translation>{pid} (인계됨)</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="432"/>
        <source>Keep workers running</source>
        <translation>워커 계속 실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="479"/>
        <source>Worker of %1: CPU and memory</source>
        <translation>%1 워커: CPU와 메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="501"/>
        <source>Connection</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="538"/>
        <source>Connection not saved</source>
        <translation>연결을 저장하지 않았습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="553"/>
        <source>Delete connection?</source>
        <translation>연결을 삭제할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="554"/>
        <source>Stop and delete the connection %1?</source>
        <translation>연결 %1을(를) 중지하고 삭제할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="557"/>
        <source>Connection not deleted</source>
        <translation>연결이 삭제되지 않음</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="563"/>
        <source>Folder with connections.csv</source>
        <translation>connections.csv가 있는 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="566"/>
        <source>CSV not loaded</source>
        <translation>CSV를 불러오지 못했습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="583"/>
        <source>Write</source>
        <translation>쓰기</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="583"/>
        <source>This tag is not writable.</source>
        <translation>이 태그는 쓸 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>DatasetModel</name>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="37"/>
        <source>Dataset</source>
        <translation>데이터셋</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="38"/>
        <source>Path</source>
        <translation>경로</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="39"/>
        <source>Mode</source>
        <translation>모드</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="40"/>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="41"/>
        <source>Held by</source>
        <translation>점유</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="42"/>
        <source>Owner PID</source>
        <translation>소유 프로세스 PID</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="66"/>
        <source>session</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="43"/>
        <source>Since</source>
        <translation>시작 시각</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="54"/>
        <source>The process that holds the data (the run&apos;s own command)</source>
        <translation>데이터를 점유한 프로세스 (실행된 명령 자체)</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="62"/>
        <source>exclusive</source>
        <translation>단독</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="62"/>
        <source>shared</source>
        <translation>공유</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="66"/>
        <source>run</source>
        <translation>실행</translation>
    </message>
</context>
<context>
    <name>DatasetsView</name>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="87"/>
        <source>No dataset is allocated.</source>
        <translation>할당된 데이터셋이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/datasets_view.py" line="88"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
</context>
<context>
    <name>DurationChart</name>
    <message>
        <location filename="../../panel/views/job_duration_chart.py" line="23"/>
        <location filename="../../panel/views/job_duration_chart.py" line="57"/>
        <source>Run durations</source>
        <translation>실행 소요 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_duration_chart.py" line="34"/>
        <source>Duration</source>
        <translation>소요 시간</translation>
    </message>
    <message numerus="yes">
        <location filename="../../panel/views/job_duration_chart.py" line="56"/>
        <source>Duration of the last %n runs</source>
        <translation>
            <numerusform>최근 %n회 실행 소요 시간</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../panel/views/job_duration_chart.py" line="24"/>
        <source>No finished runs yet</source>
        <translation>아직 끝난 실행이 없습니다</translation>
    </message>
</context>
<context>
    <name>EngineRegistry</name>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="79"/>
        <source>Give the engine&apos;s workspace folder or its URL.</source>
        <translation>엔진의 작업 공간 폴더나 URL을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="90"/>
        <source>There is no folder %1.</source>
        <translation>%1 폴더가 없습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="99"/>
        <source>Put the token in a token file, not in the URL: the list is saved without secrets.</source>
        <translation>토큰은 URL이 아니라 토큰 파일에 두세요. 목록은 비밀 정보 없이 저장됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="106"/>
        <source>A %1 engine needs its token file.</source>
        <translation>%1 엔진에는 토큰 파일이 필요합니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="113"/>
        <source>There is no file %1.</source>
        <translation>%1 파일이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="170"/>
        <source>That engine is already in the list as %1.</source>
        <translation>그 엔진은 이미 %1(이)라는 이름으로 목록에 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="190"/>
        <source>This computer&apos;s workspace is always in the list.</source>
        <translation>이 컴퓨터의 작업 공간은 항상 목록에 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="209"/>
        <source>Give the engine a name.</source>
        <translation>엔진 이름을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="213"/>
        <source>A name has at most %1 characters.</source>
        <translation>이름은 최대 %1자입니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="219"/>
        <source>There is already an engine named %1.</source>
        <translation>%1(이)라는 엔진이 이미 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/viewmodels/engines/registry.py" line="228"/>
        <location filename="../../panel/viewmodels/engines/registry.py" line="255"/>
        <source>This computer</source>
        <translation>이 컴퓨터</translation>
    </message>
</context>
<context>
    <name>EngineState</name>
    <message>
        <location filename="../../panel/views/engine_state.py" line="57"/>
        <source>No connections</source>
        <translation>연결 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="66"/>
        <source>Connecting…</source>
        <translation>연결 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="68"/>
        <source>Refused</source>
        <translation>거부됨</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="69"/>
        <source>Unreachable</source>
        <translation>연결할 수 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="79"/>
        <source>port %1</source>
        <translation>포트 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="92"/>
        <source>%1 good / %2 bad (of %3)</source>
        <translation>정상 %1 / 오류 %2 (전체 %3)</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="105"/>
        <source>%1 ok / %2 failed today</source>
        <translation>오늘 성공 %1 / 실패 %2</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="110"/>
        <source>%1 running</source>
        <translation>%1개 실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="124"/>
        <source>Server: %1</source>
        <translation>서버: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="129"/>
        <source>Connections: %1</source>
        <translation>연결: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="136"/>
        <source>All well</source>
        <translation>모두 정상</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="138"/>
        <source>Idle</source>
        <translation>유휴</translation>
    </message>
</context>
<context>
    <name>EnginesDialog</name>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="48"/>
        <location filename="../../panel/views/engines_dialog.py" line="81"/>
        <source>Engines</source>
        <translation>엔진</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="56"/>
        <source>Engine</source>
        <translation>엔진</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="56"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="56"/>
        <source>Where</source>
        <translation>위치</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="62"/>
        <source>&amp;Add…</source>
        <translation>추가(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="63"/>
        <source>Re&amp;name…</source>
        <translation>이름 바꾸기(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="64"/>
        <source>&amp;Remove</source>
        <translation>제거(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="65"/>
        <source>&amp;Open</source>
        <translation>열기(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="82"/>
        <source>All engines</source>
        <translation>모든 엔진</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="185"/>
        <source>Rename engine</source>
        <translation>엔진 이름 바꾸기</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="186"/>
        <source>New name of %1:</source>
        <translation>%1의 새 이름:</translation>
    </message>
    <message>
        <location filename="../../panel/views/engines_dialog.py" line="211"/>
        <source>%1 removed from the list (the engine itself runs on).</source>
        <translation>%1을(를) 목록에서 제거했습니다 (엔진은 계속 실행됩니다).</translation>
    </message>
</context>
<context>
    <name>GraphLegend</name>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="62"/>
        <source>depends on</source>
        <translation>선행</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="63"/>
        <source>on success</source>
        <translation>성공 시</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="64"/>
        <source>on failure</source>
        <translation>실패 시</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="66"/>
        <source>Run</source>
        <translation>실행 번호</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="67"/>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="68"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="69"/>
        <source>Trigger</source>
        <translation>트리거</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="70"/>
        <source>Attempt</source>
        <translation>시도</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="71"/>
        <source>Queued</source>
        <translation>요청 시각</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="72"/>
        <source>Duration</source>
        <translation>소요 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="73"/>
        <source>Exit</source>
        <translation>종료 코드</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="74"/>
        <source>Host</source>
        <translation>호스트</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="75"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="91"/>
        <source>Ran on {host} ({executor})</source>
        <translation>{host}에서 실행됨 ({executor})</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="142"/>
        <source>Any status</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="148"/>
        <source>From</source>
        <translation>기간</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="164"/>
        <location filename="../../panel/views/jobs_history.py" line="321"/>
        <source>Open log</source>
        <translation>로그 열기</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="175"/>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="177"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="181"/>
        <source>to</source>
        <translation>~</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="196"/>
        <source>All jobs</source>
        <translation>모든 작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="258"/>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="285"/>
        <source>History not read</source>
        <translation>기록을 읽지 못했습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_history.py" line="315"/>
        <source>Opening…</source>
        <translation>여는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_log_dialog.py" line="66"/>
        <source>Cannot open the log</source>
        <translation>로그를 열 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_log_dialog.py" line="75"/>
        <source>No log</source>
        <translation>로그 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_log_dialog.py" line="71"/>
        <source>Run %1 has no log file (it never started).</source>
        <translation>실행 %1에는 로그 파일이 없습니다 (시작되지 않았음).</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_log_dialog.py" line="79"/>
        <source>Log of run %1 (%2)</source>
        <translation>실행 %1의 로그 (%2)</translation>
    </message>
</context>
<context>
    <name>JobDetails</name>
    <message>
        <location filename="../../panel/views/job_details.py" line="89"/>
        <location filename="../../panel/views/job_details.py" line="242"/>
        <source>Run now…</source>
        <translation>지금 실행…</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="90"/>
        <location filename="../../panel/views/job_details.py" line="245"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="91"/>
        <location filename="../../panel/views/job_details.py" line="249"/>
        <source>Disable</source>
        <translation>비활성화</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="128"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="129"/>
        <source>Schedule</source>
        <translation>일정</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="130"/>
        <source>Depends on</source>
        <translation>선행 작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="140"/>
        <source>Runs</source>
        <translation>실행 기록</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="141"/>
        <source>Log</source>
        <translation>로그</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="170"/>
        <source>Select a job in the graph</source>
        <translation>그래프에서 작업을 선택하세요</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="182"/>
        <source>nothing</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="225"/>
        <source>manual only</source>
        <translation>수동 전용</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="228"/>
        <source>next %1</source>
        <translation>다음 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="245"/>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="249"/>
        <source>Enable</source>
        <translation>활성화</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="325"/>
        <source>Starting…</source>
        <translation>시작하는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="351"/>
        <source>Saving…</source>
        <translation>저장하는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_details.py" line="358"/>
        <source>Cannot change the job</source>
        <translation>작업을 변경할 수 없습니다</translation>
    </message>
</context>
<context>
    <name>JobGraphPanel</name>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="96"/>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="97"/>
        <source>Zoom out (-)</source>
        <translation>축소 (-)</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="98"/>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="99"/>
        <source>Zoom in (+, Ctrl+wheel)</source>
        <translation>확대 (+, Ctrl+휠)</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="100"/>
        <source>Fit</source>
        <translation>맞추기</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="101"/>
        <source>Show the whole graph (F)</source>
        <translation>그래프 전체 보기 (F)</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="114"/>
        <source>Drag to pan; click a job for its details.</source>
        <translation>끌어서 이동하고, 작업을 클릭하면 세부 정보가 보입니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph_panel.py" line="131"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
</context>
<context>
    <name>JobGraphView</name>
    <message>
        <location filename="../../panel/views/job_graph.py" line="118"/>
        <source>disabled</source>
        <translation>비활성</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph.py" line="260"/>
        <source>Job graph</source>
        <translation>작업 그래프</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph.py" line="336"/>
        <source>after %1</source>
        <translation>%1 다음</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_graph.py" line="338"/>
        <source>No jobs</source>
        <translation>작업 없음</translation>
    </message>
</context>
<context>
    <name>JobsDashboard</name>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="39"/>
        <source>Runs today</source>
        <translation>오늘 실행 횟수</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="40"/>
        <source>Succeeded</source>
        <translation>성공</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="41"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="42"/>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="57"/>
        <source>Running now</source>
        <translation>지금 실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="58"/>
        <source>Next scheduled</source>
        <translation>다음 예정</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="59"/>
        <source>Recent failures</source>
        <translation>최근 실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="95"/>
        <source>%1 (run %2)  %3</source>
        <translation>%1 (실행 %2)  %3</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_dashboard.py" line="107"/>
        <source>No job has a schedule.</source>
        <translation>일정이 있는 작업이 없습니다.</translation>
    </message>
</context>
<context>
    <name>JobsFileBar</name>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="51"/>
        <source>Jobs file:</source>
        <translation>작업 파일:</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="58"/>
        <location filename="../../panel/views/jobs_file_bar.py" line="124"/>
        <source>Watch file…</source>
        <translation>파일 감시…</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="61"/>
        <source>Re-import the jobs from a JSON file whenever it changes (a workspace export, {&quot;jobs&quot;: [...]} or a list of jobs). Only the jobs are imported: connections, server and settings are never touched.</source>
        <translation>JSON 파일이 바뀔 때마다 작업을 다시 가져옵니다 (워크스페이스 내보내기, {&quot;jobs&quot;: [...]} 또는 작업 목록). 작업만 가져오며 연결, 서버, 설정은 바꾸지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="67"/>
        <source>Stop watching</source>
        <translation>감시 중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="68"/>
        <source>Stop watching the file; the jobs stay as they are</source>
        <translation>파일 감시를 중지합니다. 작업은 그대로 유지됩니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="95"/>
        <source>Not watching</source>
        <translation>감시 안 함</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="96"/>
        <source>Watching</source>
        <translation>감시 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="97"/>
        <source>Imported</source>
        <translation>가져옴</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="98"/>
        <source>File missing</source>
        <translation>파일 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="99"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message numerus="yes">
        <location filename="../../panel/views/jobs_file_bar.py" line="114"/>
        <source>%n job(s) imported %1</source>
        <translation>
            <numerusform>작업 %n개 가져옴 %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="124"/>
        <source>Change file…</source>
        <translation>파일 변경…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../panel/views/jobs_file_bar.py" line="132"/>
        <source>… %n more line(s) in the tooltip</source>
        <translation>
            <numerusform>… 나머지 %n줄은 도구 설명에 있습니다</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="140"/>
        <source>Jobs file to watch</source>
        <translation>감시할 작업 파일</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="142"/>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON 파일 (*.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_file_bar.py" line="165"/>
        <source>Jobs file</source>
        <translation>작업 파일</translation>
    </message>
</context>
<context>
    <name>JobsToday</name>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="44"/>
        <source>No jobs yet: import a jobs file or watch one on the Jobs page.</source>
        <translation>아직 작업이 없습니다. 작업 페이지에서 작업 파일을 가져오거나 감시하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="62"/>
        <source>Next runs</source>
        <translation>다음 실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="63"/>
        <source>Last failures</source>
        <translation>최근 실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="96"/>
        <source>succeeded</source>
        <translation>성공</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="98"/>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="101"/>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="105"/>
        <source>%1 at %2 (in %3)</source>
        <translation>%1: %2 (%3 후)</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="111"/>
        <source>Nothing scheduled</source>
        <translation>예정된 실행 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="119"/>
        <source>exit %1</source>
        <translation>종료 코드 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/jobs_today.py" line="121"/>
        <source>No failures</source>
        <translation>실패 없음</translation>
    </message>
</context>
<context>
    <name>JobsView</name>
    <message>
        <location filename="../../panel/views/jobs_view.py" line="56"/>
        <source>Graph</source>
        <translation>그래프</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_view.py" line="57"/>
        <source>History</source>
        <translation>기록</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_view.py" line="58"/>
        <source>Dashboard</source>
        <translation>대시보드</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_view.py" line="59"/>
        <source>Datasets</source>
        <translation>데이터셋</translation>
    </message>
    <message>
        <location filename="../../panel/views/jobs_view.py" line="67"/>
        <source>No jobs yet: Watch file… to load a jobs file (and follow its changes), or File › Import configuration.</source>
        <translation>아직 작업이 없습니다. 파일 감시…로 작업 파일을 불러오거나(변경 사항도 따라갑니다), 파일 › 구성 가져오기를 사용하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="39"/>
        <source>A job failed today</source>
        <translation>오늘 실패한 작업이 있습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="41"/>
        <source>Jobs running</source>
        <translation>작업 실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="43"/>
        <source>Jobs succeeded today</source>
        <translation>오늘 작업이 성공했습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/engine_state.py" line="44"/>
        <source>No job ran today</source>
        <translation>오늘 실행된 작업이 없습니다</translation>
    </message>
</context>
<context>
    <name>LinkBanner</name>
    <message>
        <location filename="../../panel/views/link_banner.py" line="24"/>
        <source>Engine not reachable</source>
        <translation>엔진에 연결할 수 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/link_banner.py" line="41"/>
        <source>no answer</source>
        <translation>응답 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/link_banner.py" line="43"/>
        <source>Cannot attach to the engine: %1 Trying again every 30 s.</source>
        <translation>엔진에 연결하지 못했습니다: %1 30초마다 다시 시도합니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/link_banner.py" line="45"/>
        <source>The engine is not reachable: %1 Showing the last state; reattaching…</source>
        <translation>엔진에 연결할 수 없습니다: %1 마지막 상태를 표시하며 다시 연결하는 중…</translation>
    </message>
</context>
<context>
    <name>LogsView</name>
    <message>
        <location filename="../../panel/views/logs_view.py" line="103"/>
        <source>Show the lines of one source only</source>
        <translation>한 출처의 줄만 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="105"/>
        <source>Show lines at this level or above</source>
        <translation>이 레벨 이상의 줄만 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="107"/>
        <source>All levels</source>
        <translation>모든 레벨</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="108"/>
        <source>Debug and above</source>
        <translation>디버그 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="109"/>
        <source>Info and above</source>
        <translation>정보 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="110"/>
        <source>Warning and above</source>
        <translation>경고 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="111"/>
        <source>Error and above</source>
        <translation>오류 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="112"/>
        <source>Critical only</source>
        <translation>심각만</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="116"/>
        <source>Filter lines…</source>
        <translation>줄 필터…</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="118"/>
        <source>Regex</source>
        <translation>정규식</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="119"/>
        <source>Match case</source>
        <translation>대소문자 구분</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="121"/>
        <source>Search (Ctrl+F, F3 / Shift+F3)</source>
        <translation>검색 (Ctrl+F, F3 / Shift+F3)</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="124"/>
        <source>Previous</source>
        <translation>이전</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="126"/>
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="127"/>
        <source>Follow</source>
        <translation>자동 스크롤</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="130"/>
        <source>Keep the newest line in view</source>
        <translation>가장 최근 줄을 계속 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="131"/>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="133"/>
        <source>Empty this list (the engine keeps the lines, and its log files)</source>
        <translation>이 목록만 비웁니다 (엔진은 줄과 로그 파일을 그대로 유지합니다)</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="135"/>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="136"/>
        <source>Save…</source>
        <translation>저장…</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="176"/>
        <source>Debug</source>
        <translation>디버그</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="177"/>
        <source>Warning</source>
        <translation>경고</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="178"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="179"/>
        <source>Critical</source>
        <translation>심각</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="257"/>
        <source>%1 of %2 lines shown</source>
        <translation>%2줄 중 %1줄 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="260"/>
        <source>%1 lines</source>
        <translation>%1줄</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="266"/>
        <source>No line matches the filters.</source>
        <translation>필터에 맞는 줄이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="270"/>
        <source>No lines yet: what the server, the services, the connection workers and the jobs write appears here as they run. Start the server on the Server page to see its first lines.</source>
        <translation>아직 줄이 없습니다. 서버, 서비스, 연결 워커, 작업이 실행되며 출력하는 내용이 여기에 표시됩니다. 서버 페이지에서 서버를 시작하면 첫 줄을 볼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="284"/>
        <source>All sources</source>
        <translation>모든 출처</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="302"/>
        <source>Invalid regular expression: %1</source>
        <translation>잘못된 정규식: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="369"/>
        <source>Save log lines</source>
        <translation>로그 줄 저장</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="369"/>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>로그 파일 (*.log *.txt);;모든 파일 (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../panel/views/main_window.py" line="169"/>
        <location filename="../../panel/views/main_window.py" line="752"/>
        <source>OpsPanel</source>
        <translation>OpsPanel</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="287"/>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="289"/>
        <source>Logs</source>
        <translation>로그</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="291"/>
        <source>Connections</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="293"/>
        <source>Jobs</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="294"/>
        <source>Sessions</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="224"/>
        <source>Overview</source>
        <translation>개요</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="124"/>
        <source>Starting the engine…</source>
        <translation>엔진을 시작하는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="229"/>
        <source>&amp;Overview</source>
        <translation>개요(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="288"/>
        <source>Services</source>
        <translation>서비스</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="486"/>
        <source>&amp;Start</source>
        <translation>시작(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="488"/>
        <source>S&amp;top</source>
        <translation>중지(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="491"/>
        <source>&amp;Restart</source>
        <translation>다시 시작(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="494"/>
        <source>Server &amp;settings…</source>
        <translation>서버 설정(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="497"/>
        <source>&amp;Import configuration…</source>
        <translation>구성 가져오기(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="500"/>
        <source>&amp;Export configuration…</source>
        <translation>구성 내보내기(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="503"/>
        <source>Stop everything and &amp;quit</source>
        <translation>모두 중지하고 종료(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="506"/>
        <location filename="../../panel/views/main_window.py" line="548"/>
        <source>&amp;Server</source>
        <translation>서버(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="509"/>
        <source>&amp;Logs</source>
        <translation>로그(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="512"/>
        <source>&amp;Connections</source>
        <translation>연결(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="515"/>
        <source>&amp;Jobs</source>
        <translation>작업(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="518"/>
        <source>S&amp;essions</source>
        <translation>세션(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="521"/>
        <source>Ser&amp;vices</source>
        <translation>서비스(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="523"/>
        <source>&amp;About OpsPanel</source>
        <translation>OpsPanel 정보(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="524"/>
        <source>E&amp;ngines…</source>
        <translation>엔진(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="537"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="552"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="564"/>
        <source>&amp;Theme</source>
        <translation>테마(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="568"/>
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="569"/>
        <source>Light</source>
        <translation>밝은 테마</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="570"/>
        <source>Dark</source>
        <translation>어두운 테마</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="577"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="582"/>
        <location filename="../../panel/views/main_window.py" line="753"/>
        <source>Engine: running</source>
        <translation>엔진: 실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="601"/>
        <source>API: starting…</source>
        <translation>API: 시작 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="603"/>
        <source>API: %1</source>
        <translation>API: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="605"/>
        <source>API: off</source>
        <translation>API: 꺼짐</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="586"/>
        <source>Workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="646"/>
        <source>Server settings</source>
        <translation>서버 설정</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="651"/>
        <source>Saved. Restart the server to use the new settings.</source>
        <translation>저장했습니다. 새 설정을 적용하려면 서버를 다시 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="657"/>
        <source>Import configuration</source>
        <translation>구성 가져오기</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="657"/>
        <location filename="../../panel/views/main_window.py" line="677"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 파일 (*.json)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="664"/>
        <location filename="../../panel/views/main_window.py" line="670"/>
        <source>Import failed</source>
        <translation>가져오기 실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="672"/>
        <source>Configuration imported.</source>
        <translation>구성을 가져왔습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="677"/>
        <source>Export configuration</source>
        <translation>구성 내보내기</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="688"/>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="690"/>
        <source>Configuration exported.</source>
        <translation>구성을 내보냈습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="742"/>
        <source>attached to %1 (pid %2)</source>
        <translation>%1에 연결됨 (pid %2)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="745"/>
        <source>not attached to %1</source>
        <translation>%1에 연결되지 않음</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="746"/>
        <source>OpsPanel: %1</source>
        <translation>OpsPanel: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="747"/>
        <source>Engine: %1</source>
        <translation>엔진: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="749"/>
        <source>&amp;Close window</source>
        <translation>창 닫기(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="767"/>
        <source>No connections</source>
        <translation>연결 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="782"/>
        <source>Job %1: %2</source>
        <translation>작업 %1: %2</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="788"/>
        <source>Engine CPU %1 %  RAM %2</source>
        <translation>엔진 CPU %1 %  메모리 %2</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="845"/>
        <source>OpsPanel keeps running</source>
        <translation>OpsPanel이 계속 실행 중입니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="846"/>
        <source>The server, connections and jobs go on. Open the window from here.</source>
        <translation>서버, 연결, 작업이 계속 실행됩니다. 여기에서 창을 열 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="852"/>
        <source>Quit OpsPanel?</source>
        <translation>OpsPanel을 종료할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="853"/>
        <source>Processes are still running. Stop them all and quit?</source>
        <translation>프로세스가 아직 실행 중입니다. 모두 중지하고 종료할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="854"/>
        <source>Stop all and quit</source>
        <translation>모두 중지하고 종료</translation>
    </message>
</context>
<context>
    <name>OverviewHeader</name>
    <message>
        <location filename="../../panel/views/overview/header.py" line="40"/>
        <source>Engine pid %1 on %2</source>
        <translation>엔진 pid %1, %2</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <location filename="../../panel/views/overview_view.py" line="230"/>
        <source>Jobs file not imported: %1</source>
        <translation>작업 파일을 가져오지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="232"/>
        <source>Jobs file missing: %1</source>
        <translation>작업 파일이 없습니다: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="118"/>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="118"/>
        <location filename="../../panel/views/overview_view.py" line="128"/>
        <location filename="../../panel/views/overview_view.py" line="132"/>
        <location filename="../../panel/views/overview_view.py" line="155"/>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="128"/>
        <source>Connections</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="143"/>
        <source>Resources</source>
        <translation>리소스</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="135"/>
        <location filename="../../panel/views/overview_view.py" line="143"/>
        <source>Logs</source>
        <translation>로그</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="132"/>
        <source>Jobs today</source>
        <translation>오늘의 작업</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="135"/>
        <source>Recent warnings and errors</source>
        <translation>최근 경고와 오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="144"/>
        <source>No figures yet</source>
        <translation>아직 수치 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="145"/>
        <source>Engine CPU %</source>
        <translation>엔진 CPU %</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="146"/>
        <source>Engine memory MB</source>
        <translation>엔진 메모리 MB</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="147"/>
        <source>Server CPU %</source>
        <translation>서버 CPU %</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="155"/>
        <source>Services</source>
        <translation>서비스</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="192"/>
        <source>up %1</source>
        <translation>가동 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="193"/>
        <source>port %1</source>
        <translation>포트 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="205"/>
        <source>%1 connected  ·  %2 connecting  ·  %3 in error  (of %4)</source>
        <translation>연결됨 %1  ·  연결 중 %2  ·  오류 %3  (전체 %4)</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="219"/>
        <source>Jobs file not imported</source>
        <translation>작업 파일을 가져오지 못함</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="222"/>
        <source>Today: %1 runs  ·  %2 succeeded  ·  %3 failed  ·  %4 running</source>
        <translation>오늘: 실행 %1회  ·  성공 %2  ·  실패 %3  ·  실행 중 %4</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="246"/>
        <source>The engine is busy</source>
        <translation>엔진이 바쁩니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="248"/>
        <source>The engine has room</source>
        <translation>엔진에 여유가 있습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview_view.py" line="241"/>
        <source>Engine: %1 CPU, %2</source>
        <translation>엔진: CPU %1, %2</translation>
    </message>
</context>
<context>
    <name>RecentProblems</name>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="79"/>
        <source>No warnings or errors in the log.</source>
        <translation>로그에 경고나 오류가 없습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="80"/>
        <source>No warnings or errors</source>
        <translation>경고나 오류 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="83"/>
        <source>Errors in the log</source>
        <translation>로그에 오류가 있음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="85"/>
        <source>Warnings in the log</source>
        <translation>로그에 경고가 있음</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="87"/>
        <source>Warning</source>
        <translation>경고</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="88"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/recent_problems.py" line="89"/>
        <source>Critical</source>
        <translation>치명적</translation>
    </message>
</context>
<context>
    <name>ResourceChart</name>
    <message>
        <location filename="../../panel/views/charts/resource_chart.py" line="17"/>
        <source>No readings yet</source>
        <translation>아직 측정값이 없습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/resource_chart.py" line="19"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/resource_chart.py" line="19"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
</context>
<context>
    <name>RunLogDialog</name>
    <message>
        <location filename="../../panel/views/job_log_dialog.py" line="41"/>
        <source>%1 (only the last 2 MB are shown)</source>
        <translation>%1 (마지막 2 MB만 표시)</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_log_dialog.py" line="43"/>
        <source>%1 (empty)</source>
        <translation>%1 (비어 있음)</translation>
    </message>
</context>
<context>
    <name>RunOptionsDialog</name>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="120"/>
        <source>Run %1</source>
        <translation>%1 실행</translation>
    </message>
    <message>
        <location filename="../../ui/run_options_dialog.ui" line="17"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="128"/>
        <source>A system option: always its default</source>
        <translation>시스템 옵션: 항상 기본값</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="129"/>
        <source>%1 (system)</source>
        <translation>%1 (시스템)</translation>
    </message>
    <message>
        <location filename="../../ui/run_options_dialog.ui" line="36"/>
        <source>This job has no options.</source>
        <translation>이 작업에는 옵션이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/run_options_dialog.ui" line="46"/>
        <source>Only this job (do not run its upstream jobs)</source>
        <translation>이 작업만 실행 (선행 작업은 실행하지 않음)</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="136"/>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="163"/>
        <source>Run a dangerous command?</source>
        <translation>위험한 명령을 실행할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="165"/>
        <source>The command of %1 looks dangerous: %2. Run it anyway?</source>
        <translation>%1의 명령이 위험해 보입니다: %2. 그래도 실행할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="173"/>
        <source>Run anyway</source>
        <translation>그래도 실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_run_dialog.py" line="200"/>
        <source>Cannot run %1</source>
        <translation>%1을(를) 실행할 수 없습니다</translation>
    </message>
</context>
<context>
    <name>RunTimeline</name>
    <message>
        <location filename="../../panel/views/overview/run_timeline.py" line="28"/>
        <source>Job runs in the last 24 hours</source>
        <translation>최근 24시간의 작업 실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/run_timeline.py" line="39"/>
        <source>%1 runs, %2 failed</source>
        <translation>실행 %1회, 실패 %2회</translation>
    </message>
    <message>
        <location filename="../../panel/views/overview/run_timeline.py" line="66"/>
        <source>now</source>
        <translation>지금</translation>
    </message>
</context>
<context>
    <name>ServerSettingsDialog</name>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="12"/>
        <source>Server settings</source>
        <translation>서버 설정</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="30"/>
        <source>Placeholders: {python} {port} {workspace} {resources}</source>
        <translation>자리 표시자: {python} {port} {workspace} {resources}</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="47"/>
        <source>the workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="70"/>
        <source>KEY=value, one per line</source>
        <translation>한 줄에 하나씩 KEY=value</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="110"/>
        <source>Start the server when the panel starts</source>
        <translation>패널이 시작될 때 서버 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="38"/>
        <source>Never</source>
        <translation>안 함</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="39"/>
        <source>On failure</source>
        <translation>실패 시</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="40"/>
        <source>Always</source>
        <translation>항상</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="20"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="37"/>
        <source>Working folder</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="54"/>
        <source>Environment</source>
        <translation>환경 변수</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="77"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="97"/>
        <source>Health URL</source>
        <translation>상태 확인 URL</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="117"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="130"/>
        <source>Stop timeout</source>
        <translation>중지 제한 시간</translation>
    </message>
    <message>
        <location filename="../../ui/server_settings_dialog.ui" line="156"/>
        <source>Ready timeout</source>
        <translation>준비 제한 시간</translation>
    </message>
</context>
<context>
    <name>ServerView</name>
    <message>
        <location filename="../../panel/views/server_view.py" line="84"/>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="85"/>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="86"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="87"/>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="88"/>
        <source>Start the server (F5)</source>
        <translation>서버 시작 (F5)</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="89"/>
        <source>Stop the server and its children (Shift+F5)</source>
        <translation>서버와 하위 프로세스 중지 (Shift+F5)</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="90"/>
        <source>Restart the server (Ctrl+Shift+R)</source>
        <translation>서버 다시 시작 (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="122"/>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="123"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="124"/>
        <source>Uptime</source>
        <translation>가동 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="125"/>
        <source>Restarts</source>
        <translation>재시작 횟수</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="126"/>
        <source>Last exit</source>
        <translation>마지막 종료</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="127"/>
        <source>Health URL</source>
        <translation>상태 확인 URL</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="128"/>
        <source>Last error</source>
        <translation>마지막 오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="129"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="159"/>
        <source>Stop the server?</source>
        <translation>서버를 중지할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="160"/>
        <source>The server and every process it started will be stopped.</source>
        <translation>서버와 서버가 시작한 모든 프로세스가 중지됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="167"/>
        <source>Restart the server?</source>
        <translation>서버를 다시 시작할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="168"/>
        <source>The server will be stopped and started again.</source>
        <translation>서버를 중지한 뒤 다시 시작합니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="205"/>
        <source>Use port %1 and start</source>
        <translation>포트 %1을(를) 사용하여 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="138"/>
        <source>Server: CPU and memory</source>
        <translation>서버: CPU와 메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="132"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="133"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="231"/>
        <source>signal %1</source>
        <translation>시그널 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="234"/>
        <source>code %1</source>
        <translation>코드 %1</translation>
    </message>
</context>
<context>
    <name>ServiceCard</name>
    <message>
        <location filename="../../panel/views/services/cards.py" line="41"/>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/cards.py" line="42"/>
        <source>Show this service on the Services page</source>
        <translation>서비스 페이지에서 이 서비스 보기</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/cards.py" line="59"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/cards.py" line="60"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/cards.py" line="74"/>
        <source>up %1</source>
        <translation>가동 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/cards.py" line="76"/>
        <source>port %1</source>
        <translation>포트 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/cards.py" line="77"/>
        <source>not running</source>
        <translation>실행 중이 아님</translation>
    </message>
</context>
<context>
    <name>ServiceDetails</name>
    <message>
        <location filename="../../panel/views/services/details.py" line="50"/>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="70"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="71"/>
        <source>Working folder</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="72"/>
        <source>Environment</source>
        <translation>환경 변수</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="73"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="74"/>
        <source>Readiness</source>
        <translation>준비 확인</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="75"/>
        <source>Liveness</source>
        <translation>동작 확인</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="76"/>
        <source>Autostart</source>
        <translation>자동 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="77"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="78"/>
        <source>Timeouts</source>
        <translation>제한 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="79"/>
        <source>Memory limit</source>
        <translation>메모리 한도</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="80"/>
        <source>Starts after</source>
        <translation>먼저 시작할 서비스</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="81"/>
        <source>Last exit</source>
        <translation>마지막 종료</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="102"/>
        <source>CPU and memory</source>
        <translation>CPU와 메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="104"/>
        <source>Recent log lines</source>
        <translation>최근 로그</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="98"/>
        <source>Log lines of the selected service</source>
        <translation>선택한 서비스의 로그</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="100"/>
        <source>No lines from this service yet.</source>
        <translation>이 서비스의 로그가 아직 없습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="105"/>
        <source>CPU/Memory</source>
        <translation>CPU/메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="122"/>
        <source>%1: CPU and memory</source>
        <translation>%1: CPU와 메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="130"/>
        <source>Last error: %1</source>
        <translation>마지막 오류: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="137"/>
        <location filename="../../panel/views/services/details.py" line="160"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="140"/>
        <source>the workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="145"/>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="145"/>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="147"/>
        <source>ready %1 ms, stop %2 ms, %3 start retries</source>
        <translation>준비 %1 ms, 중지 %2 ms, 시작 재시도 %3회</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="162"/>
        <source>TCP port %1</source>
        <translation>TCP 포트 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="164"/>
        <source>log /%1/</source>
        <translation>로그 /%1/</translation>
    </message>
</context>
<context>
    <name>ServiceDialog</name>
    <message>
        <location filename="../../panel/views/services/details.py" line="174"/>
        <location filename="../../panel/views/services/dialog.py" line="91"/>
        <source>Never</source>
        <translation>안 함</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="175"/>
        <location filename="../../panel/views/services/dialog.py" line="92"/>
        <source>On failure</source>
        <translation>실패 시</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/details.py" line="176"/>
        <location filename="../../panel/views/services/dialog.py" line="93"/>
        <source>Always</source>
        <translation>항상</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="73"/>
        <source>Service settings: %1</source>
        <translation>서비스 설정: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="132"/>
        <source>Autostart</source>
        <translation>자동 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="145"/>
        <source>None</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="146"/>
        <source>HTTP URL answers 2xx</source>
        <translation>HTTP URL이 2xx로 응답</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="147"/>
        <source>TCP port accepts</source>
        <translation>TCP 포트가 연결을 받음</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="150"/>
        <source>Output line matches</source>
        <translation>출력 줄이 일치</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="160"/>
        <source>port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="161"/>
        <source>regular expression, e.g. ready</source>
        <translation>정규식 (예: ready)</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="177"/>
        <source>a service needs a name</source>
        <translation>서비스 이름이 필요합니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="184"/>
        <source>a service needs a command</source>
        <translation>서비스 명령이 필요합니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="192"/>
        <source>line %1: expected KEY=value</source>
        <translation>%1번째 줄: KEY=value 형식이어야 합니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="232"/>
        <source>give the probe&apos;s target</source>
        <translation>확인할 대상을 입력하세요</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="236"/>
        <source>a port is a number from 1 to 65535</source>
        <translation>포트는 1부터 65535 사이의 숫자입니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="255"/>
        <source>Saving…</source>
        <translation>저장하는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/dialog.py" line="255"/>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="12"/>
        <source>Add a service</source>
        <translation>서비스 추가</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="20"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="30"/>
        <source>api, worker, gateway…</source>
        <translation>api, worker, gateway…</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="37"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="47"/>
        <source>Placeholders: {python} {port} {workspace} {resources}</source>
        <translation>자리 표시자: {python} {port} {workspace} {resources}</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="50"/>
        <source>{python} -m myapp --port {port}</source>
        <translation>{python} -m myapp --port {port}</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="57"/>
        <source>Working folder</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="67"/>
        <source>the workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="74"/>
        <source>Environment</source>
        <translation>환경 변수</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="90"/>
        <source>KEY=value, one per line</source>
        <translation>한 줄에 하나씩 KEY=value</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="97"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="113"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="120"/>
        <source>Readiness</source>
        <translation>준비 확인</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="140"/>
        <source>Liveness</source>
        <translation>동작 확인</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="160"/>
        <source>Start the service when the engine starts</source>
        <translation>엔진이 시작될 때 서비스 시작</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="167"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="180"/>
        <source>Stop timeout</source>
        <translation>중지 제한 시간</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="206"/>
        <source>Ready timeout</source>
        <translation>준비 제한 시간</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="232"/>
        <source>Start retries</source>
        <translation>시작 재시도</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="252"/>
        <source>Memory limit</source>
        <translation>메모리 한도</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="274"/>
        <source>no limit</source>
        <translation>제한 없음</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="281"/>
        <source>Starts after</source>
        <translation>먼저 시작할 서비스</translation>
    </message>
    <message>
        <location filename="../../ui/service_dialog.ui" line="297"/>
        <source>Started once these are ready; stopped before them</source>
        <translation>이 서비스들이 준비된 뒤 시작하고, 이들보다 먼저 중지합니다</translation>
    </message>
</context>
<context>
    <name>ServicesTableModel</name>
    <message>
        <location filename="../../panel/views/services/table.py" line="45"/>
        <source>Service</source>
        <translation>서비스</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="46"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="47"/>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="48"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="49"/>
        <source>Uptime</source>
        <translation>가동 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="50"/>
        <source>Restarts</source>
        <translation>재시작 횟수</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="51"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/table.py" line="52"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
</context>
<context>
    <name>ServicesView</name>
    <message>
        <location filename="../../panel/views/services/page.py" line="80"/>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="81"/>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="82"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="83"/>
        <source>Start all</source>
        <translation>모두 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="84"/>
        <source>Stop all</source>
        <translation>모두 중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="85"/>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="86"/>
        <source>Edit…</source>
        <translation>편집…</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="87"/>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="89"/>
        <source>Store the free port as the service&apos;s port</source>
        <translation>비어 있는 포트를 서비스의 포트로 저장합니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="90"/>
        <source>Open API docs</source>
        <translation>API 문서 열기</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="91"/>
        <source>Open the service&apos;s /docs page in the browser</source>
        <translation>서비스의 /docs 페이지를 브라우저에서 엽니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="141"/>
        <source>Services</source>
        <translation>서비스</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="232"/>
        <source>No services to show (the engine has not sent them yet).</source>
        <translation>표시할 서비스가 없습니다 (엔진이 아직 보내지 않았습니다).</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="235"/>
        <source>Only the server runs here. Add a service (an API, a worker, a scheduler) with Add…: each gets its own row, buttons and log lines.</source>
        <translation>지금은 서버만 실행됩니다. 추가…로 서비스(API, 워커, 스케줄러)를 추가하면 각각 자기 행, 버튼, 로그를 갖습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="253"/>
        <source>The server cannot be removed</source>
        <translation>서버는 제거할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="255"/>
        <source>Remove the selected (stopped) service (Del)</source>
        <translation>선택한 (중지된) 서비스 제거 (Del)</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="261"/>
        <source>Use port %1 and start</source>
        <translation>포트 %1을(를) 사용하여 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="262"/>
        <source>No service selected</source>
        <translation>선택한 서비스 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="299"/>
        <source>Stop %1?</source>
        <translation>%1을(를) 중지할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="300"/>
        <source>The service %1 and every process it started will be stopped.</source>
        <translation>서비스 %1과(와) 그 서비스가 시작한 모든 프로세스가 중지됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="312"/>
        <source>Restart %1?</source>
        <translation>%1을(를) 다시 시작할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="313"/>
        <source>The service %1 will be stopped and started again.</source>
        <translation>서비스 %1을(를) 중지한 뒤 다시 시작합니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="321"/>
        <source>Stop every service?</source>
        <translation>모든 서비스를 중지할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="322"/>
        <source>These services and every process they started will be stopped: %1.</source>
        <translation>다음 서비스와 이들이 시작한 모든 프로세스가 중지됩니다: %1.</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="365"/>
        <source>Remove %1?</source>
        <translation>%1을(를) 제거할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="366"/>
        <source>The service %1 and its settings will be removed from the workspace.</source>
        <translation>서비스 %1과(와) 그 설정이 작업 공간에서 제거됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/services/page.py" line="374"/>
        <source>Not removed</source>
        <translation>제거하지 못함</translation>
    </message>
</context>
<context>
    <name>SessionOptionsDialog</name>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="12"/>
        <source>New session</source>
        <translation>새 세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/session_options_dialog.py" line="46"/>
        <source>Not on the engine&apos;s machine: %1</source>
        <translation>엔진 머신에 없음: %1</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="53"/>
        <source>The session is closed after this long without a command.</source>
        <translation>명령이 없는 채로 이 시간이 지나면 세션이 닫힙니다.</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="73"/>
        <source>The session is closed this long after it started.</source>
        <translation>세션은 시작하고 이 시간이 지나면 닫힙니다.</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="96"/>
        <location filename="../../ui/session_options_dialog.ui" line="136"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="93"/>
        <source>Address-space limit of every command the session runs.</source>
        <translation>세션이 실행하는 모든 명령의 주소 공간 제한입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="116"/>
        <source>Processes a command may run at once, its own included.</source>
        <translation>명령이 동시에 실행할 수 있는 프로세스 수(명령 자신 포함).</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="133"/>
        <source>The most the session folder may hold.</source>
        <translation>세션 폴더가 담을 수 있는 최대 크기.</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="143"/>
        <source>Network access</source>
        <translation>네트워크 접근</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="146"/>
        <source>Off: commands see no network at all, not even loopback.</source>
        <translation>끄면 명령은 루프백을 포함해 어떤 네트워크도 볼 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="20"/>
        <source>Code language</source>
        <translation>코드 언어</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="43"/>
        <source>Idle timeout</source>
        <translation>유휴 시간 제한</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="63"/>
        <source>Lifetime</source>
        <translation>수명</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="83"/>
        <source>Memory limit</source>
        <translation>메모리 제한</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="106"/>
        <source>Process limit</source>
        <translation>프로세스 제한</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="123"/>
        <source>Disk limit</source>
        <translation>디스크 제한</translation>
    </message>
    <message>
        <location filename="../../panel/views/session_options_dialog.py" line="63"/>
        <source>Create</source>
        <translation>만들기</translation>
    </message>
    <message>
        <location filename="../../ui/session_options_dialog.ui" line="56"/>
        <location filename="../../ui/session_options_dialog.ui" line="76"/>
        <source> min</source>
        <translation>분</translation>
    </message>
</context>
<context>
    <name>SessionTableModel</name>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="83"/>
        <source>Not sandboxed</source>
        <translation>샌드박스 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="85"/>
        <source>Sandboxed, network on</source>
        <translation>샌드박스, 네트워크 켜짐</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="86"/>
        <source>Sandboxed, no network</source>
        <translation>샌드박스, 네트워크 없음</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="109"/>
        <source>Session</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="110"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="111"/>
        <source>Sandbox</source>
        <translation>샌드박스</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="112"/>
        <source>Idle</source>
        <translation>유휴</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="113"/>
        <source>Lifetime</source>
        <translation>수명</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="114"/>
        <source>Runs</source>
        <translation>실행 횟수</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="115"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="116"/>
        <source>Datasets</source>
        <translation>데이터셋</translation>
    </message>
</context>
<context>
    <name>SessionsView</name>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="168"/>
        <source>A session with the default settings</source>
        <translation>기본 설정으로 만드는 세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="169"/>
        <source>New with settings…</source>
        <translation>설정하여 새로 만들기…</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="171"/>
        <source>Choose the language, time limits, memory limit and network access</source>
        <translation>언어, 시간 제한, 메모리 제한, 네트워크 접근을 고릅니다</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="190"/>
        <source>Code</source>
        <translation>코드</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="193"/>
        <source>Code in the session&apos;s language (Python unless chosen otherwise)</source>
        <translation>세션 언어로 된 코드 (따로 고르지 않으면 Python)</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="167"/>
        <location filename="../../panel/views/sessions_view.py" line="284"/>
        <source>New session</source>
        <translation>새 세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="173"/>
        <source>Close session</source>
        <translation>세션 닫기</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="189"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="196"/>
        <source>Read file</source>
        <translation>파일 읽기</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="197"/>
        <source>List files</source>
        <translation>파일 목록</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="233"/>
        <source>e.g. ls -la (arguments are never given to a shell)</source>
        <translation>예: ls -la (인수는 셸로 전달되지 않습니다)</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="202"/>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="180"/>
        <source>No sessions open. A session is a private folder where commands and code run, sandboxed, for scripts and the API: New session opens one, and its console below runs what you type in it.</source>
        <translation>열린 세션이 없습니다. 세션은 스크립트와 API를 위해 명령과 코드가 샌드박스 안에서 실행되는 전용 폴더입니다. 새 세션으로 하나를 열면, 아래 콘솔에서 입력한 내용을 그 세션에서 실행합니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="211"/>
        <source>Sessions</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="212"/>
        <source>Audit</source>
        <translation>감사</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="234"/>
        <source>e.g. print(6 * 7)</source>
        <translation>예: print(6 * 7)</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="235"/>
        <source>a file in the session&apos;s folder, e.g. data/input.csv</source>
        <translation>세션 폴더 안의 파일, 예: data/input.csv</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="236"/>
        <source>a folder in the session&apos;s folder, e.g. . for its top</source>
        <translation>세션 폴더 안의 폴더, 예: 최상위는 .</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="324"/>
        <location filename="../../panel/views/sessions_view.py" line="329"/>
        <location filename="../../panel/views/sessions_view.py" line="392"/>
        <source>! %1</source>
        <translation>! %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="381"/>
        <source>exit code %1</source>
        <translation>종료 코드 %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="393"/>
        <source>(%1 ms)</source>
        <translation>(%1 ms)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../panel/views/sessions_view.py" line="436"/>
        <source>%n session(s) open</source>
        <translation>
            <numerusform>열린 세션 %n개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="12"/>
        <source>Tag</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="20"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="33"/>
        <source>Offset</source>
        <translation>오프셋</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="53"/>
        <source>Type</source>
        <translation>형식</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="70"/>
        <source>Scale</source>
        <translation>배율</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="93"/>
        <source>Unit</source>
        <translation>단위</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="106"/>
        <source>Node id (OPC UA)</source>
        <translation>노드 ID (OPC UA)</translation>
    </message>
    <message>
        <location filename="../../ui/tag_dialog.ui" line="119"/>
        <source>Writable</source>
        <translation>쓰기 가능</translation>
    </message>
</context>
<context>
    <name>TagTableModel</name>
    <message>
        <location filename="../../panel/connections/tag_model.py" line="119"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../panel/connections/tag_model.py" line="120"/>
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <location filename="../../panel/connections/tag_model.py" line="121"/>
        <source>Quality</source>
        <translation>품질</translation>
    </message>
    <message>
        <location filename="../../panel/connections/tag_model.py" line="122"/>
        <source>Timestamp</source>
        <translation>타임스탬프</translation>
    </message>
    <message>
        <location filename="../../panel/connections/tag_model.py" line="123"/>
        <source>Unit</source>
        <translation>단위</translation>
    </message>
    <message>
        <location filename="../../panel/connections/tag_model.py" line="124"/>
        <source>Block</source>
        <translation>블록</translation>
    </message>
</context>
<context>
    <name>TagWriteDialog</name>
    <message>
        <location filename="../../panel/views/tag_write_dialog.py" line="43"/>
        <source>Write %1</source>
        <translation>%1 쓰기</translation>
    </message>
    <message>
        <location filename="../../ui/tag_write_dialog.ui" line="17"/>
        <source>Connection</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../ui/tag_write_dialog.ui" line="27"/>
        <source>Tag</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../../ui/tag_write_dialog.ui" line="37"/>
        <source>Type</source>
        <translation>형식</translation>
    </message>
    <message>
        <location filename="../../ui/tag_write_dialog.ui" line="47"/>
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <location filename="../../panel/views/tag_write_dialog.py" line="49"/>
        <source>Write</source>
        <translation>쓰기</translation>
    </message>
    <message>
        <location filename="../../panel/views/tag_write_dialog.py" line="75"/>
        <source>Writing…</source>
        <translation>쓰는 중…</translation>
    </message>
    <message>
        <location filename="../../panel/views/tag_write_dialog.py" line="92"/>
        <source>Outcome unknown: sent, not answered; the device may have applied it.</source>
        <translation>결과 알 수 없음: 보냈으나 응답이 없습니다. 장치가 적용했을 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/tag_write_dialog.py" line="94"/>
        <source>Not written: %1</source>
        <translation>쓰지 않음: %1</translation>
    </message>
</context>
<context>
    <name>TimeChart</name>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="110"/>
        <source>Follow</source>
        <translation>자동 스크롤</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="113"/>
        <source>Keep the newest values in view (off while you zoom or pan)</source>
        <translation>최신 값을 계속 표시합니다 (확대하거나 이동하면 꺼집니다)</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="120"/>
        <source>Last %1 min</source>
        <translation>최근 %1분</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="123"/>
        <source>Time span</source>
        <translation>시간 범위</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="127"/>
        <source>Values under the pointer</source>
        <translation>포인터 위치의 값</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="292"/>
        <location filename="../../panel/views/charts/time_chart.py" line="343"/>
        <location filename="../../panel/views/charts/time_chart.py" line="452"/>
        <source>(no unit)</source>
        <translation>(단위 없음)</translation>
    </message>
    <message>
        <location filename="../../panel/views/charts/time_chart.py" line="453"/>
        <source>%1 on the %2 axis</source>
        <translation>%2 축: %1</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../panel/views/tray.py" line="88"/>
        <source>Open window</source>
        <translation>창 열기</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="90"/>
        <source>Start server</source>
        <translation>서버 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="91"/>
        <source>Stop server</source>
        <translation>서버 중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="92"/>
        <source>Restart server</source>
        <translation>서버 다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="93"/>
        <source>Services</source>
        <translation>서비스</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="96"/>
        <source>Stop engine and quit</source>
        <translation>엔진을 중지하고 종료</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="136"/>
        <source>OpsPanel: %1</source>
        <translation>OpsPanel: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="140"/>
        <source>Close window</source>
        <translation>창 닫기</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../../panel/views/trend_chart.py" line="29"/>
        <location filename="../../panel/views/trend_chart.py" line="57"/>
        <source>Select numeric tags to see a trend</source>
        <translation>추이를 보려면 숫자 태그를 선택하세요</translation>
    </message>
    <message>
        <location filename="../../panel/views/trend_chart.py" line="29"/>
        <source>Trend</source>
        <translation>추이</translation>
    </message>
    <message>
        <location filename="../../panel/views/trend_chart.py" line="55"/>
        <source>Text tags have no trend: select numeric tags</source>
        <translation>텍스트 태그는 추이가 없습니다: 숫자 태그를 선택하세요</translation>
    </message>
</context>
<context>
    <name>bus</name>
    <message>
        <location filename="../../panel/views/bus_label.py" line="16"/>
        <source>publishing</source>
        <translation>게시 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="17"/>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="18"/>
        <source>broker lost, retrying</source>
        <translation>브로커 끊김, 재시도 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="19"/>
        <source>waiting for the broker</source>
        <translation>브로커 대기 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="20"/>
        <source>off</source>
        <translation>꺼짐</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="36"/>
        <source>MQTT: %1 (%2/%3 connections)</source>
        <translation>MQTT: %1 (연결 %2/%3)</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="45"/>
        <source>Embedded broker: %1</source>
        <translation>내장 브로커: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="49"/>
        <source> (still running from before)</source>
        <translation> (이전부터 실행 중)</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="51"/>
        <source>External broker</source>
        <translation>외부 브로커</translation>
    </message>
    <message>
        <location filename="../../panel/views/bus_label.py" line="54"/>
        <source>%1 messages/s</source>
        <translation>초당 메시지 %1개</translation>
    </message>
</context>
<context>
    <name>jobstate</name>
    <message>
        <location filename="../../panel/views/job_states.py" line="38"/>
        <source>Queued</source>
        <translation>실행 대기</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="39"/>
        <source>Waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="40"/>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="41"/>
        <source>Retrying</source>
        <translation>재시도 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="42"/>
        <source>Success</source>
        <translation>성공</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="43"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="44"/>
        <source>Timed out</source>
        <translation>시간 초과</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="45"/>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="46"/>
        <source>Skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="47"/>
        <source>Interrupted</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <location filename="../../panel/views/job_states.py" line="48"/>
        <source>Never run</source>
        <translation>실행한 적 없음</translation>
    </message>
</context>
<context>
    <name>quality</name>
    <message>
        <location filename="../../panel/views/connections_view.py" line="82"/>
        <source>Good</source>
        <translation>양호</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="83"/>
        <source>Uncertain</source>
        <translation>불확실</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="84"/>
        <source>Bad</source>
        <translation>불량</translation>
    </message>
    <message>
        <location filename="../../panel/views/connections_view.py" line="86"/>
        <source>Unknown</source>
        <translation>알 수 없음</translation>
    </message>
</context>
<context>
    <name>state</name>
    <message>
        <location filename="../../panel/views/state_colors.py" line="39"/>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="81"/>
        <source>State: %1</source>
        <translation>상태: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="34"/>
        <location filename="../../panel/views/sessions_view.py" line="53"/>
        <location filename="../../panel/views/state_colors.py" line="40"/>
        <source>Starting</source>
        <translation>시작 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="54"/>
        <source>Active</source>
        <translation>활성</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="55"/>
        <source>Idle</source>
        <translation>유휴</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="56"/>
        <source>Closing</source>
        <translation>닫는 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/sessions_view.py" line="57"/>
        <source>Closed</source>
        <translation>닫힘</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="31"/>
        <source>Connected</source>
        <translation>연결됨</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="32"/>
        <source>Connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="33"/>
        <source>Reconnecting</source>
        <translation>재연결 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="35"/>
        <location filename="../../panel/views/state_colors.py" line="41"/>
        <source>Stopping</source>
        <translation>중지 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="36"/>
        <source>Restarting</source>
        <translation>재시작 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="38"/>
        <location filename="../../panel/views/state_colors.py" line="42"/>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="39"/>
        <source>Disabled</source>
        <translation>비활성</translation>
    </message>
    <message>
        <location filename="../../panel/views/conn_states.py" line="37"/>
        <location filename="../../panel/views/state_colors.py" line="43"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
</context>
<context>
    <name>worker</name>
    <message>
        <location filename="../../panel/views/state_colors.py" line="55"/>
        <source>Configuring</source>
        <translation>구성 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="56"/>
        <source>Connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="57"/>
        <source>Polling</source>
        <translation>수집 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="58"/>
        <source>Reconnecting</source>
        <translation>재연결 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="59"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="60"/>
        <source>Disabled</source>
        <translation>비활성</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="61"/>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
</context>
</TS>
