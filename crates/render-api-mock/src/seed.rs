//! The farm's starting data, taken from the API document's examples (and rayvision-api's,
//! where the document has none).

use render_api_types::{
    ErrorDetail, Language, RenderEnv, Software, SupportedPlugins, SupportedSoftware, UserProfile,
    UserSetting,
};
use serde::de::DeserializeOwned;

/// Parses seed JSON; the seed is fixed text checked by the tests, so it always parses.
fn seed<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("seed data does not parse: {e}"))
}

/// The document's queryUserProfile example.
pub fn profile() -> UserProfile {
    seed(
        r#"{
        "userId": 10001136, "userName": "rayvision", "platform": 2, "phone": "173333333333",
        "email": "", "company": "", "name": "", "job": "", "communicationNumber": "",
        "softType": 2000, "softStatus": 1, "businessType": 1, "status": 1, "infoStatus": 0,
        "accountType": 1, "userType": 1, "mainUserId": 0, "level": 49, "pictureLever": null,
        "zone": 1, "rmbbalance": 0, "usdbalance": 0, "rmbCumulative": 0, "usdCumulative": 0,
        "credit": 0, "coupon": 49.93, "description": "", "country": "中国", "city": "广东 中山",
        "address": "", "cpuPrice": 0.67, "gpuPrice": 20, "shareMainCapital": 0,
        "subDeleteTask": 0, "useMainBalance": 0, "hideBalance": 0, "hideJobCharge": 0,
        "useLevelDirectory": 1, "downloadDisable": 0, "displaySubaccount": 1,
        "subaccountLimits": 5, "houdiniFlag": 0, "c4dFlag": 0, "blenderFlag": 0,
        "keyshotFlag": 0, "studentEndTime": null
    }"#,
    )
}

/// The document's queryUserSetting example.
pub fn settings() -> UserSetting {
    seed(
        r#"{
        "infoStatus": null, "accountType": null, "shareMainCapital": 0, "subDeleteTask": 0,
        "useMainBalance": 0, "singleNodeRenderFrames": "1", "maxIgnoreMapFlag": "1",
        "autoCommit": "2", "separateAccountFlag": 0, "mifileSwitchFlag": 0,
        "assfileSwitchFlag": 0, "manuallyStartAnalysisFlag": 0, "downloadDisable": 0,
        "taskOverTime": 12, "taskOverTimeSec": 43200
    }"#,
    )
}

/// rayvision-api's querySupportedSoftware example, with the document's other software.
pub fn software() -> SupportedSoftware {
    seed(
        r#"{
        "isAutoCommit": 2,
        "renderInfoList": [
            {"cgId": 2000, "cgName": "Maya", "cgType": "ma;mb", "iconPath": "/img/softimage/maya.png", "isNeedProjectPath": 3, "isNeedAnalyse": 1, "isSupportLinux": 1},
            {"cgId": 2001, "cgName": "3ds Max", "cgType": "max", "iconPath": "/img/softimage/max.png", "isNeedProjectPath": 0, "isNeedAnalyse": 1, "isSupportLinux": 0},
            {"cgId": 2005, "cgName": "CINEMA 4D", "cgType": "c4d", "iconPath": "/img/softimage/c4d.png", "isNeedProjectPath": 0, "isNeedAnalyse": 1, "isSupportLinux": 0}
        ],
        "defaultCgId": 2001
    }"#,
    )
}

/// Plugins and versions per software: the document's querySupportedPlugin example (Cinema 4D)
/// and its render environment examples (Maya 2020 with wobble).
pub fn plugins(cg_id: Software) -> Option<SupportedPlugins> {
    let json = match cg_id {
        Software::Maya => {
            r#"{"cgPlugin": [{"cvId": 31, "pluginName": "wobble", "pluginVersions": [{"pluginId": 1166, "pluginName": "wobble", "pluginVersion": "wobble 0.9.5"}]}],
                "cgVersion": [{"id": 31, "cgId": 2000, "cgName": "Maya", "cgVersion": "2020"}]}"#
        }
        Software::Max => {
            r#"{"cgPlugin": [{"cvId": 12, "pluginName": "vray", "pluginVersions": [{"pluginId": 1001, "pluginName": "vray", "pluginVersion": "vray 3.60.03"}]}],
                "cgVersion": [{"id": 12, "cgId": 2001, "cgName": "3ds Max", "cgVersion": "2018"}]}"#
        }
        Software::Cinema4d => {
            r#"{"cgPlugin": [{"cvId": 19, "pluginName": "zblur", "pluginVersions": [{"pluginId": 1652, "pluginName": "zblur", "pluginVersion": "zblur 2.02.019"}]}],
                "cgVersion": [{"id": 23, "cgId": 2005, "cgName": "CINEMA 4D", "cgVersion": "R19"}]}"#
        }
        _ => return None,
    };
    Some(seed(json))
}

/// The document's getRenderEnv example.
pub fn render_envs() -> Vec<RenderEnv> {
    seed(
        r#"[
        {"cgId": 2000, "editName": "testRenderEnv332", "cgName": "Maya", "cgVersion": "2020", "osName": 0, "renderLayerType": 0, "isDefault": 0,
         "respUserPluginInfoVos": [{"pluginId": 1166, "pluginName": "wobble", "pluginVersion": "wobble 0.9.5"}]},
        {"cgId": 2000, "editName": "testRenderEnv222", "cgName": "Maya", "cgVersion": "2020", "osName": 0, "renderLayerType": 0, "isDefault": 0,
         "respUserPluginInfoVos": [{"pluginId": 1166, "pluginName": "wobble", "pluginVersion": "wobble 0.9.5"}]}
    ]"#,
    )
}

/// rayvision-api's queryErrorDetail example; other codes have no details.
pub fn error_details(code: &str, language: Option<&Language>) -> Vec<ErrorDetail> {
    if code.trim() != "15000" {
        return Vec::new();
    }
    let english = language == Some(&Language::English);
    let mut detail: ErrorDetail = seed(
        r#"{
        "id": 5, "code": "15000", "type": 1, "languageFlag": 0,
        "desDescriptionCn": "启动 3ds max 卡住或者失败",
        "desSolutionCn": "1.检查启用对应版本的 3ds max 是否有特殊弹窗，有的话手动关闭；\n2.检查操作系统是否设置了高级别的权限",
        "solutionPath": "http://note.youdao.com/noteshare?id=d8f1ea0c46dfb524af798f6b1d31cf6f",
        "isRepair": 0, "isDelete": 1, "isOpen": 1, "lastModifyAdmin": "", "updateTime": 1534387709000
    }"#,
    );
    if english {
        detail.language_flag = Some(1);
        detail.des_description_cn = Some("3ds Max hangs or fails to start".into());
        detail.des_solution_cn = Some(
            "1. Check whether the matching 3ds Max shows a dialog, and close it;\n2. Check whether the system requires elevated permissions".into(),
        );
    }
    vec![detail]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_parses() {
        assert_eq!(profile().user_id, 10001136);
        assert_eq!(settings().task_over_time, Some(12));
        for s in software().render_info_list {
            assert!(plugins(s.cg_id).is_some(), "{} has no plugins", s.cg_name);
        }
        assert_eq!(render_envs().len(), 2);
        assert_eq!(error_details("15000", None).len(), 1);
        assert!(error_details("1", None).is_empty());
    }
}
