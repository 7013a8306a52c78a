//! Key-only model values: the operations read a model's key and nothing else, so a test can
//! name a row without loading it.

use super::models::*;

pub fn author(id: i32) -> Author {
    Author {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn post(id: i32) -> Post {
    Post {
        id,
        author_id: 0,
        title: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn comment(id: i32) -> Comment {
    Comment {
        id,
        post_id: 0,
        body: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn tag(id: i32) -> Tag {
    Tag {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn post_tag(id: i32) -> PostTag {
    PostTag {
        id,
        post_id: 0,
        tag_id: 0,
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn category(id: i32) -> Category {
    Category {
        id,
        parent_id: None,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn project(id: i32) -> Project {
    Project {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn member(id: i32) -> Member {
    Member {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn thread(id: i32) -> Thread {
    Thread {
        id,
        member_id: 0,
        title: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn vote(id: i32) -> Vote {
    Vote {
        id,
        member_id: None,
        thread_id: 0,
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn bill(id: i32) -> Bill {
    Bill {
        id,
        member_id: 0,
        amount: 0,
        deleted_at: None,
    }
}

pub fn user(id: i64) -> User {
    User {
        id,
        email: String::new(),
        deleted_at: None,
    }
}

pub fn client(id: i32) -> Client {
    Client {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn contract(id: i32) -> Contract {
    Contract {
        id,
        client_id: 0,
        deleted_at: None,
        deletion_id: None,
    }
}

pub fn memo(id: i32) -> Memo {
    Memo {
        id,
        client_id: 0,
        deleted_at: None,
        deletion_id: None,
    }
}
