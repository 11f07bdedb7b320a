//! Labels (projects).

use super::*;

impl Farm {
    /// `addLabel`.
    pub(crate) fn add_label(&self, req: AddLabelRequest) -> Reply<()> {
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
        Ok(())
    }

    /// `deleteLabel`.
    pub(crate) fn delete_label(&self, req: DeleteLabelRequest) -> Reply<()> {
        let mut state = self.lock();
        remove_where(
            &mut state.labels,
            |l| l.project_name == req.del_name,
            || format!("the label `{}` does not exist", req.del_name),
        )
    }

    /// `getLabelList`.
    pub(crate) fn get_label_list(&self, _: GetLabelListRequest) -> Reply<LabelList> {
        Ok(LabelList {
            project_name_list: self.lock().labels.clone(),
            extra: Default::default(),
        })
    }

    /// `listProjects`: this account's labels whatever the flag (the farm has one account).
    pub(crate) fn list_projects(&self, req: ListProjectsRequest) -> Reply<LabelList> {
        if !(0..=2).contains(&req.flag) {
            return Err(invalid("flag must be 0, 1 or 2"));
        }
        Ok(LabelList {
            project_name_list: self.lock().labels.clone(),
            extra: Default::default(),
        })
    }
}
