; Inno Setup script for OpsPanel on Windows (64-bit). NOT built or tested in this
; project's CI: it needs Windows, Inno Setup 6 and a Windows PyInstaller build.
;
; 1. On Windows, in the checkout:   py -3.11 -m venv .venv
;                                   .venv\Scripts\pip install -e .[package] Pillow
;                                   .venv\Scripts\python packaging\render_icons.py build\icons
;                                   .venv\Scripts\pyinstaller --noconfirm --distpath dist ^
;                                       --workpath build\pyinstaller packaging\opspanel.spec
;    -> dist\opspanel\opspanel.exe (no console: the Start-menu entry) and opspanelc.exe
;       (console twin: --headless, ctl, import/export, and the {python} of server commands).
; 2. "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\opspanel.iss
;    -> dist\OpsPanel-0.1.0-setup.exe
;
; Uninstalling removes {app} only. Workspaces live in %LOCALAPPDATA%\OpsPanel and are kept.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define SrcDir "..\..\dist\opspanel"

[Setup]
AppId={{6F1C3E0A-7B52-4D8E-9A41-0B5D2C7E9F13}
AppName=OpsPanel
AppVersion={#AppVersion}
AppPublisher=OpsPanel developers
AppPublisherURL=https://opspanel.io
DefaultDirName={autopf}\OpsPanel
DefaultGroupName=OpsPanel
DisableProgramGroupPage=yes
LicenseFile=..\..\LICENSE
OutputDir=..\..\dist
OutputBaseFilename=OpsPanel-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\opspanel.ico
UninstallDisplayIcon={app}\opspanel.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add opspanelc (command line) to PATH"; Flags: unchecked

[Files]
Source: "{#SrcDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\OpsPanel"; Filename: "{app}\opspanel.exe"; WorkingDir: "{app}"
Name: "{group}\Uninstall OpsPanel"; Filename: "{uninstallexe}"
Name: "{autodesktop}\OpsPanel"; Filename: "{app}\opspanel.exe"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; \
    ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\opspanel.exe"; Description: "{cm:LaunchProgram,OpsPanel}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stop a running panel so its files can be removed (its children die with it).
Filename: "{sys}\taskkill.exe"; Parameters: "/IM opspanel.exe /T"; Flags: runhidden; RunOnceId: "StopPanel"

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
    Paths := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
