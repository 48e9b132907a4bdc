<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ko_KR">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../panel/views/about_dialog.py" line="43" />
        <source>About OpsPanel</source>
        <translation>OpsPanel 정보</translation>
    </message>
    <message>
        <location filename="../../panel/views/about_dialog.py" line="52" />
        <source>A control panel for the Python back end on this machine.</source>
        <translation>이 컴퓨터의 Python 백엔드를 위한 제어판입니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/about_dialog.py" line="54" />
        <source>Licensed under the MIT licence.</source>
        <translation>MIT 라이선스로 배포됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/about_dialog.py" line="56" />
        <source>Components</source>
        <translation>구성 요소</translation>
    </message>
</context>
<context>
    <name>LogsView</name>
    <message>
        <location filename="../../panel/views/logs_view.py" line="91" />
        <source>Show the lines of one source only</source>
        <translation>한 출처의 줄만 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="93" />
        <source>Show lines at this level or above</source>
        <translation>이 수준 이상의 줄 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="95" />
        <source>All levels</source>
        <translation>모든 수준</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="96" />
        <source>Debug and above</source>
        <translation>디버그 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="97" />
        <source>Info and above</source>
        <translation>정보 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="98" />
        <source>Warning and above</source>
        <translation>경고 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="99" />
        <source>Error and above</source>
        <translation>오류 이상</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="100" />
        <source>Critical only</source>
        <translation>치명적만</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="104" />
        <source>Filter lines…</source>
        <translation>줄 필터…</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="106" />
        <source>Regex</source>
        <translation>정규식</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="107" />
        <source>Match case</source>
        <translation>대소문자 구분</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="109" />
        <source>Search (Ctrl+F, F3 / Shift+F3)</source>
        <translation>검색 (Ctrl+F, F3 / Shift+F3)</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="112" />
        <source>Previous</source>
        <translation>이전</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="114" />
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="115" />
        <source>Follow</source>
        <translation>따라가기</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="118" />
        <source>Keep the newest line in view</source>
        <translation>가장 최근 줄을 계속 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="119" />
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="120" />
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="121" />
        <source>Save…</source>
        <translation>저장…</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="156" />
        <source>Debug</source>
        <translation>디버그</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="157" />
        <source>Warning</source>
        <translation>경고</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="158" />
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="159" />
        <source>Critical</source>
        <translation>치명적</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="237" />
        <source>%1 of %2 lines shown</source>
        <translation>%2줄 중 %1줄 표시</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="240" />
        <source>%1 lines</source>
        <translation>%1줄</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="250" />
        <source>All sources</source>
        <translation>모든 출처</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="268" />
        <source>Invalid regular expression: %1</source>
        <translation>잘못된 정규식: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="335" />
        <source>Save log lines</source>
        <translation>로그 줄 저장</translation>
    </message>
    <message>
        <location filename="../../panel/views/logs_view.py" line="335" />
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>로그 파일 (*.log *.txt);;모든 파일 (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../panel/views/main_window.py" line="52" />
        <source>OpsPanel</source>
        <translation>OpsPanel</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="61" />
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="62" />
        <source>Logs</source>
        <translation>로그</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="106" />
        <source>&amp;Start</source>
        <translation>시작(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="107" />
        <source>S&amp;top</source>
        <translation>중지(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="109" />
        <source>&amp;Restart</source>
        <translation>다시 시작(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="112" />
        <source>Server &amp;settings…</source>
        <translation>서버 설정(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="115" />
        <source>&amp;Import configuration…</source>
        <translation>구성 가져오기(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="118" />
        <source>&amp;Export configuration…</source>
        <translation>구성 내보내기(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="120" />
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="122" />
        <location filename="../../panel/views/main_window.py" line="135" />
        <source>&amp;Server</source>
        <translation>서버(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="125" />
        <source>&amp;Logs</source>
        <translation>로그(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="127" />
        <source>&amp;About OpsPanel</source>
        <translation>OpsPanel 정보(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="131" />
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="139" />
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="141" />
        <source>&amp;Theme</source>
        <translation>테마(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="143" />
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="144" />
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="145" />
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="149" />
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="154" />
        <source>Engine: running</source>
        <translation>엔진: 실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="156" />
        <source>API: %1</source>
        <translation>API: %1</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="156" />
        <source>API: off</source>
        <translation>API: 꺼짐</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="160" />
        <source>Workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="183" />
        <source>Saved. Restart the server to use the new settings.</source>
        <translation>저장했습니다. 새 설정을 적용하려면 서버를 다시 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="189" />
        <source>Import configuration</source>
        <translation>구성 가져오기</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="189" />
        <location filename="../../panel/views/main_window.py" line="204" />
        <source>JSON files (*.json)</source>
        <translation>JSON 파일 (*.json)</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="197" />
        <source>Import failed</source>
        <translation>가져오기 실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="199" />
        <source>Configuration imported.</source>
        <translation>구성을 가져왔습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="204" />
        <source>Export configuration</source>
        <translation>구성 내보내기</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="212" />
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="214" />
        <source>Configuration exported.</source>
        <translation>구성을 내보냈습니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="239" />
        <source>Panel CPU %1 %  RAM %2</source>
        <translation>패널 CPU %1 %  메모리 %2</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="263" />
        <source>Quit OpsPanel?</source>
        <translation>OpsPanel을 종료할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="264" />
        <source>Processes are still running. Stop them all and quit?</source>
        <translation>프로세스가 아직 실행 중입니다. 모두 중지하고 종료할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/main_window.py" line="265" />
        <source>Stop all and quit</source>
        <translation>모두 중지하고 종료</translation>
    </message>
</context>
<context>
    <name>ServerSettingsDialog</name>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="41" />
        <source>Server settings</source>
        <translation>서버 설정</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="48" />
        <source>Placeholders: {python} {port} {workspace} {resources}</source>
        <translation>자리 표시자: {python} {port} {workspace} {resources}</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="51" />
        <source>the workspace folder</source>
        <translation>작업 공간 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="53" />
        <source>KEY=value, one per line</source>
        <translation>한 줄에 하나씩 KEY=value</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="59" />
        <source>Start the server when the panel starts</source>
        <translation>패널이 시작될 때 서버 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="63" />
        <source>Never</source>
        <translation>안 함</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="64" />
        <source>On failure</source>
        <translation>실패 시</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="65" />
        <source>Always</source>
        <translation>항상</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="80" />
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="81" />
        <source>Working folder</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="82" />
        <source>Environment</source>
        <translation>환경 변수</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="83" />
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="84" />
        <source>Health URL</source>
        <translation>상태 확인 URL</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="86" />
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="87" />
        <source>Stop timeout</source>
        <translation>중지 제한 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_settings_dialog.py" line="88" />
        <source>Ready timeout</source>
        <translation>준비 제한 시간</translation>
    </message>
</context>
<context>
    <name>ServerView</name>
    <message>
        <location filename="../../panel/views/server_view.py" line="68" />
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="69" />
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="70" />
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="71" />
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="72" />
        <source>Start the server (F5)</source>
        <translation>서버 시작 (F5)</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="73" />
        <source>Stop the server and its children (Shift+F5)</source>
        <translation>서버와 하위 프로세스 중지 (Shift+F5)</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="74" />
        <source>Restart the server (Ctrl+Shift+R)</source>
        <translation>서버 다시 시작 (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="104" />
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="105" />
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="106" />
        <source>Uptime</source>
        <translation>가동 시간</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="107" />
        <source>Restarts</source>
        <translation>재시작 횟수</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="108" />
        <source>Health URL</source>
        <translation>상태 확인 URL</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="109" />
        <source>Last error</source>
        <translation>마지막 오류</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="110" />
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="114" />
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="115" />
        <source>Memory MB</source>
        <translation>메모리 MB</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="145" />
        <source>Stop the server?</source>
        <translation>서버를 중지할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="146" />
        <source>The server and every process it started will be stopped.</source>
        <translation>서버와 서버가 시작한 모든 프로세스가 중지됩니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="153" />
        <source>Restart the server?</source>
        <translation>서버를 다시 시작할까요?</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="154" />
        <source>The server will be stopped and started again.</source>
        <translation>서버를 중지한 뒤 다시 시작합니다.</translation>
    </message>
    <message>
        <location filename="../../panel/views/server_view.py" line="190" />
        <source>Use port %1 and start</source>
        <translation>포트 %1을(를) 사용하여 시작</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../panel/views/tray.py" line="33" />
        <source>Start server</source>
        <translation>서버 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="34" />
        <source>Stop server</source>
        <translation>서버 중지</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="35" />
        <source>Restart server</source>
        <translation>서버 다시 시작</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="37" />
        <source>Show OpsPanel</source>
        <translation>OpsPanel 보이기</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="38" />
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../panel/views/tray.py" line="55" />
        <source>OpsPanel: server %1</source>
        <translation>OpsPanel: 서버 %1</translation>
    </message>
</context>
<context>
    <name>state</name>
    <message>
        <location filename="../../panel/views/state_colors.py" line="38" />
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="39" />
        <source>Starting</source>
        <translation>시작 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="40" />
        <source>Stopping</source>
        <translation>중지 중</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="41" />
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <location filename="../../panel/views/state_colors.py" line="42" />
        <source>Error</source>
        <translation>오류</translation>
    </message>
</context>
</TS>