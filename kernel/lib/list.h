// Intrusive doubly linked list. An object joins a list through a ListNode
// member; the list owns nothing and never allocates. Node state says whether
// the object is linked, so "remove what is not on a list" and "insert what
// is already on one" are caught (they trap) instead of corrupting memory.
//
//   struct Task { ListNode run_node; };
//   List<Task, &Task::run_node> run_queue;
#pragma once

#include <stddef.h>

namespace viper {

class ListNode {
 public:
  ListNode() = default;
  ListNode(const ListNode&) = delete;
  ListNode& operator=(const ListNode&) = delete;
  bool linked() const { return next_ != nullptr; }

 private:
  template <class T, ListNode T::*>
  friend class List;
  ListNode* prev_ = nullptr;
  ListNode* next_ = nullptr;
};

template <class T, ListNode T::* Member>
class List {
 public:
  constexpr List() {
    head_.prev_ = &head_;
    head_.next_ = &head_;
  }
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  bool empty() const { return head_.next_ == &head_; }
  size_t size() const { return size_; }

  void push_front(T& item) { insert_after(head_, node(item)); }
  void push_back(T& item) { insert_after(*head_.prev_, node(item)); }

  T* front() const { return empty() ? nullptr : owner(head_.next_); }
  T* back() const { return empty() ? nullptr : owner(head_.prev_); }

  // Removes and returns the first element, or nullptr when empty.
  T* pop_front() {
    T* item = front();
    if (item) remove(*item);
    return item;
  }

  void remove(T& item) {
    ListNode& n = node(item);
    if (!n.linked()) __builtin_trap();  // not on any list
    n.prev_->next_ = n.next_;
    n.next_->prev_ = n.prev_;
    n.prev_ = n.next_ = nullptr;
    --size_;
  }

  // Element before `item`, or nullptr at the start.
  T* prev(const T& item) const {
    const ListNode* n = node_const(item).prev_;
    return n == &head_ ? nullptr : owner(n);
  }

  // Next element after `item`, or nullptr at the end.
  T* next(const T& item) const {
    const ListNode* n = node_const(item).next_;
    return n == &head_ ? nullptr : owner(n);
  }

  class Iterator {
   public:
    Iterator(const List* list, ListNode* at) : list_(list), at_(at) {}
    T& operator*() const { return *list_->owner(at_); }
    T* operator->() const { return list_->owner(at_); }
    Iterator& operator++() {
      at_ = at_->next_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    const List* list_;
    ListNode* at_;
  };
  Iterator begin() const { return Iterator(this, head_.next_); }
  Iterator end() const { return Iterator(this, const_cast<ListNode*>(&head_)); }

 private:
  static ListNode& node(T& item) { return item.*Member; }
  static const ListNode& node_const(const T& item) { return item.*Member; }

  // The containing object of a node (the node is a member at a fixed offset).
  static T* owner(const ListNode* n) {
    const size_t offset =
        reinterpret_cast<size_t>(&(reinterpret_cast<T*>(alignof(T))->*Member)) - alignof(T);
    return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<ListNode*>(n)) - offset);
  }

  void insert_after(ListNode& at, ListNode& n) {
    if (n.linked()) __builtin_trap();  // already on a list
    n.prev_ = &at;
    n.next_ = at.next_;
    at.next_->prev_ = &n;
    at.next_ = &n;
    ++size_;
  }

  ListNode head_;
  size_t size_ = 0;
};

}  // namespace viper
