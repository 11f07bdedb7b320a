//! Supported software and plugins, and the user's render environments.

use render_api_types::{
    Ack, AddRenderEnv, AddRenderEnvRequest, DeleteRenderEnv, DeleteRenderEnvRequest, ErrorCode,
    GetRenderEnv, GetRenderEnvRequest, Handle, QuerySupportedPlugin, QuerySupportedPluginRequest,
    QuerySupportedSoftware, QuerySupportedSoftwareRequest, RenderEnv, RenderEnvName, RenderSystem,
    ServiceError, SetDefaultRenderEnv, SetDefaultRenderEnvRequest, Software, SupportedPlugins,
    SupportedSoftware, UpdateRenderEnv, UpdateRenderEnvRequest,
};

use super::{Farm, Reply, invalid, not_found, remove_where};

#[allow(clippy::too_many_arguments)] // one per setting of a render environment, as the request has them
pub(super) fn render_env(
    cg_id: Software,
    cg_name: String,
    cg_version: String,
    render_layer_type: Option<i64>,
    project_path: Option<String>,
    edit_name: String,
    render_system: RenderSystem,
    plugin_ids: &[i64],
) -> Reply<RenderEnv> {
    if edit_name.trim().is_empty() {
        return Err(ServiceError::new(
            ErrorCode::ParameterCantBeEmpty,
            "editName is empty",
        ));
    }
    if matches!(render_system, RenderSystem::Unknown(_)) {
        return Err(invalid(format!(
            "renderSystem must be 0 (linux) or 1 (windows), not {}",
            render_system.code()
        )));
    }
    let plugins = crate::seed::plugins(cg_id)
        .ok_or_else(|| invalid(format!("the software {cg_id} is not supported")))?;
    if !plugins
        .cg_version
        .iter()
        .any(|v| v.cg_version == cg_version)
    {
        return Err(invalid(format!(
            "{cg_name} {cg_version} is not a supported version"
        )));
    }
    let mut chosen = Vec::new();
    for id in plugin_ids {
        let found = plugins
            .cg_plugin
            .iter()
            .flat_map(|p| &p.plugin_versions)
            .find(|v| v.plugin_id == *id)
            .ok_or_else(|| invalid(format!("plugin {id} is not a plugin of {cg_name}")))?;
        chosen.push(found.clone());
    }
    Ok(RenderEnv {
        cg_id,
        edit_name,
        cg_name,
        cg_version,
        os_name: render_system,
        render_layer_type,
        is_default: 0,
        resp_user_plugin_info_vos: Some(chosen),
        extra: Default::default(),
        project_path,
        is_main_user_id: Some(1),
    })
}

impl Handle<QuerySupportedSoftware> for Farm {
    /// `querySupportedSoftware`.
    fn handle(&self, _: QuerySupportedSoftwareRequest) -> Reply<SupportedSoftware> {
        Ok(crate::seed::software())
    }
}

impl Handle<QuerySupportedPlugin> for Farm {
    /// `querySupportedPlugin`.
    fn handle(&self, req: QuerySupportedPluginRequest) -> Reply<SupportedPlugins> {
        crate::seed::plugins(req.cg_id)
            .ok_or_else(|| not_found(format!("the software {} is not supported", req.cg_id)))
    }
}

impl Handle<AddRenderEnv> for Farm {
    /// `addRenderEnv`.
    fn handle(&self, req: AddRenderEnvRequest) -> Reply<RenderEnvName> {
        let env = render_env(
            req.cg_id,
            req.cg_name,
            req.cg_version,
            req.render_layer_type,
            req.project_path.clone(),
            req.edit_name,
            req.render_system,
            &req.plugin_ids,
        )?;
        let mut state = self.lock();
        if state.envs.iter().any(|e| e.edit_name == env.edit_name) {
            return Err(invalid(format!(
                "the render environment `{}` already exists",
                env.edit_name
            )));
        }
        let name = env.edit_name.clone();
        state.envs.push(env);
        Ok(RenderEnvName {
            edit_name: name,
            extra: Default::default(),
        })
    }
}

impl Handle<UpdateRenderEnv> for Farm {
    /// `updateRenderEnv`.
    fn handle(&self, req: UpdateRenderEnvRequest) -> Reply<Ack> {
        let env = render_env(
            req.cg_id,
            req.cg_name,
            req.cg_version,
            req.render_layer_type,
            req.project_path.clone(),
            req.edit_name,
            req.render_system,
            &req.plugin_ids,
        )?;
        let mut state = self.lock();
        let slot = state
            .envs
            .iter_mut()
            .find(|e| e.edit_name == env.edit_name)
            .ok_or_else(|| {
                not_found(format!(
                    "the render environment `{}` does not exist",
                    env.edit_name
                ))
            })?;
        let is_default = slot.is_default;
        *slot = RenderEnv { is_default, ..env };
        Ok(Ack::default())
    }
}

impl Handle<DeleteRenderEnv> for Farm {
    /// `deleteRenderEnv`.
    fn handle(&self, req: DeleteRenderEnvRequest) -> Reply<Ack> {
        let mut state = self.lock();
        remove_where(
            &mut state.envs,
            |e| e.edit_name == req.edit_name,
            || format!("the render environment `{}` does not exist", req.edit_name),
        )
    }
}

impl Handle<SetDefaultRenderEnv> for Farm {
    /// `setDefaultRenderEnv`: the default of its software.
    fn handle(&self, req: SetDefaultRenderEnvRequest) -> Reply<Ack> {
        let mut state = self.lock();
        let cg = state
            .envs
            .iter()
            .find(|e| e.edit_name == req.edit_name)
            .map(|e| e.cg_id)
            .ok_or_else(|| {
                not_found(format!(
                    "the render environment `{}` does not exist",
                    req.edit_name
                ))
            })?;
        for env in state.envs.iter_mut().filter(|e| e.cg_id == cg) {
            env.is_default = i64::from(env.edit_name == req.edit_name);
        }
        Ok(Ack::default())
    }
}

impl Handle<GetRenderEnv> for Farm {
    /// `getRenderEnv`.
    fn handle(&self, req: GetRenderEnvRequest) -> Reply<Vec<RenderEnv>> {
        let mut wanted: Vec<Software> = req.cg_id.into_iter().collect();
        wanted.extend(req.cg_ids.unwrap_or_default());
        Ok(self
            .lock()
            .envs
            .iter()
            .filter(|e| wanted.is_empty() || wanted.contains(&e.cg_id))
            .filter(|e| req.os_name.as_ref().is_none_or(|os| *os == e.os_name))
            .cloned()
            .collect())
    }
}
