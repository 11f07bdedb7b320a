//! Labels (projects).

use render_api_types::{
    Ack, AddLabel, AddLabelRequest, DeleteLabel, DeleteLabelRequest, ErrorCode, GetLabelList,
    GetLabelListRequest, Handle, Label, LabelList, ListProjects, ListProjectsRequest, ProjectScope,
    ServiceError,
};

use super::{Farm, Reply, invalid, remove_where};

impl Handle<AddLabel> for Farm {
    /// `addLabel`.
    fn handle(&self, req: AddLabelRequest) -> Reply<Ack> {
        let name = req.new_name.trim();
        if name.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::ParameterCantBeEmpty,
                "newName is empty",
            ));
        }
        let mut state = self.lock();
        if state.labels.iter().any(|l| l.project_name == name) {
            return Err(invalid(format!("the label `{name}` already exists")));
        }
        let id = state.next_label_id;
        state.next_label_id += 1;
        state.labels.push(Label {
            project_name: name.to_owned(),
            project_id: id,
            extra: Default::default(),
        });
        Ok(Ack::default())
    }
}

impl Handle<DeleteLabel> for Farm {
    /// `deleteLabel`.
    fn handle(&self, req: DeleteLabelRequest) -> Reply<Ack> {
        let mut state = self.lock();
        remove_where(
            &mut state.labels,
            |l| l.project_name == req.del_name,
            || format!("the label `{}` does not exist", req.del_name),
        )
    }
}

impl Handle<GetLabelList> for Farm {
    /// `getLabelList`.
    fn handle(&self, _: GetLabelListRequest) -> Reply<LabelList> {
        Ok(LabelList {
            project_name_list: self.lock().labels.clone(),
            extra: Default::default(),
        })
    }
}

impl Handle<ListProjects> for Farm {
    /// `listProjects`: this account's labels whatever the flag (the farm has one account).
    fn handle(&self, req: ListProjectsRequest) -> Reply<LabelList> {
        if matches!(req.flag, ProjectScope::Unknown(_)) {
            return Err(invalid("flag must be 0, 1 or 2"));
        }
        Ok(LabelList {
            project_name_list: self.lock().labels.clone(),
            extra: Default::default(),
        })
    }
}
