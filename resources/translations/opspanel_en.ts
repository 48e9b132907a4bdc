<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AuditView</name>
    <message numerus="yes">
        <location filename="../../panel/views/audit_view.py" line="116"/>
        <source>%n mutating call(s) shown, newest first.</source>
        <translation>
            <numerusform>%n mutating call shown.</numerusform>
            <numerusform>%n mutating calls shown, newest first.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DurationChart</name>
    <message numerus="yes">
        <location filename="../../panel/views/job_duration_chart.py" line="55"/>
        <source>Duration of the last %n runs</source>
        <translation>
            <numerusform>Duration of the last run</numerusform>
            <numerusform>Duration of the last %n runs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobsFileBar</name>
    <message numerus="yes">
        <location filename="../../panel/views/jobs_file_bar.py" line="114"/>
        <source>%n job(s) imported %1</source>
        <translation>
            <numerusform>%n job imported %1</numerusform>
            <numerusform>%n jobs imported %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../panel/views/jobs_file_bar.py" line="132"/>
        <source>… %n more line(s) in the tooltip</source>
        <translation>
            <numerusform>… %n more line in the tooltip</numerusform>
            <numerusform>… %n more lines in the tooltip</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SessionsView</name>
    <message numerus="yes">
        <location filename="../../panel/views/sessions_view.py" line="387"/>
        <source>%n session(s) open</source>
        <translation>
            <numerusform>%n session open</numerusform>
            <numerusform>%n sessions open</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimeChart</name>
    <message numerus="yes">
        <location filename="../../panel/views/charts/time_chart.py" line="114"/>
        <source>Last %n min</source>
        <translation>
            <numerusform>Last %n min</numerusform>
            <numerusform>Last %n min</numerusform>
        </translation>
    </message>
</context>
</TS>
